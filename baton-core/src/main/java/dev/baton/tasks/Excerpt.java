package dev.baton.tasks;

/**
 * A bad value as it appears in an error message: quoted, escaped so the message stays on one
 * line, and cut to {@value #MAX_CHARS} characters so a megabyte of garbage does not end up in a
 * log line.
 */
final class Excerpt {

    static final int MAX_CHARS = 64;

    private Excerpt() {
    }

    static String of(String value) {
        if (value == null) {
            return "null";
        }
        int shown = Math.min(value.length(), MAX_CHARS);
        if (shown < value.length() && Character.isHighSurrogate(value.charAt(shown - 1))) {
            shown--;
        }
        StringBuilder out = new StringBuilder(shown + 24).append('"');
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
        if (shown < value.length()) {
            out.append("... (").append(value.length()).append(" chars)");
        }
        return out.toString();
    }
}
