package dev.baton.alloc;

/**
 * The rule every allocator id (item, member, zone) follows: not null, not blank, and free of
 * '/' and control characters, because ids become path segments of store keys.
 */
final class Ids {

    private Ids() {
    }

    /**
     * Returns {@code value} when it is a valid id, otherwise throws an
     * {@link IllegalArgumentException} that names {@code what} and the rejected value.
     */
    static String check(String what, String value) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank, got '" + value + "'");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/') {
                throw new IllegalArgumentException(what + " must not contain '/', got '" + value + "'");
            }
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(
                        what + " must not contain control characters, got '" + value.replaceAll("\\p{Cntrl}", "?") + "'");
            }
        }
        return value;
    }
}
