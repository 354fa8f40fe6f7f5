package dev.baton.tasks;

import java.util.Random;

/**
 * Random JSON-ish text drawn from one {@link Random}: objects whose fields are the task model's
 * own names with values of every type, wrong types, huge and tiny numbers, odd strings (lone
 * surrogates, NUL, instants out of range), duplicate fields, deep nesting, and valid records
 * cut or changed at a random place.
 */
final class HostileJson {
    private static final String[] FIELDS = {
        "properties", "submitted", "notBefore", "state", "since", "attempts", "until", "lastError", "checkpoint",
        "command", "task", "frozen", "a", "", "\u0000", "é", "__proto__",
    };
    private static final String[] STRINGS = {
        "", "2024-01-31T12:00:00Z", "2024-01-31T12:00:00.123456789Z", "+1000000000-12-31T23:59:59.999999999Z",
        "-1000000000-01-01T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-31T12:00:00+01:00", "1706702400",
        "runnable", "paused", "sleeping", "fault", "completed", "failed", "killed", "RUNNABLE",
        "pause", "resume", "stop", "kill", "freeze", "unfreeze", "balance", "release",
        "a/b", "a\\u0000b", "\\ud800", "\\udc00x", "\\ud83d\\ude00", "😀", "\\u001f", "a\\nb", "\\\"", "\\\\",
        "..", "tâche", "\\u200b", "\\ufffd",
    };
    private static final String[] NUMBERS = {
        "0", "-0", "-0.0", "1", "-1", "2147483647", "2147483648", "-2147483648", "-2147483649",
        "9223372036854775807", "9223372036854775808", "123456789012345678901234567890", "1.5", "1e400",
        "1e-400", "1E+2147483647", "1e-2147483648", "0.1", "1e2", "1.0", "3.0e0",
    };
    private static final String[] BROKEN = {"{", "}", "[", "]", ",", ":", "\"", "tru", "nul", "NaN", "Infinity", "'a'",
        "0x10", "01", "+1", ".5", "1.", "/*c*/", "//", "\\u", "\u0000",
    };

    private final Random random;

    HostileJson(Random random) {
        this.random = random;
    }

    /** One input: a record-shaped object most of the time, else any value, deep nesting or a mutation. */
    String next(String valid) {
        return switch (random.nextInt(10)) {
            case 0 -> value(0);
            case 1 -> deep();
            case 2, 3 -> mutate(valid);
            default -> object(0, 1 + random.nextInt(5));
        };
    }

    private String object(int depth, int fields) {
        StringBuilder s = new StringBuilder("{");
        String repeated = null;
        for (int i = 0; i < fields; i++) {
            if (i > 0) {
                s.append(',');
            }
            String name = repeated != null && random.nextInt(4) == 0 ? repeated : FIELDS[random.nextInt(FIELDS.length)];
            repeated = name;
            s.append(quoted(name)).append(':').append(value(depth + 1));
        }
        return s.append('}').toString();
    }

    private String value(int depth) {
        int kind = random.nextInt(depth > 4 ? 6 : 8);
        return switch (kind) {
            case 0, 1 -> quoted(STRINGS[random.nextInt(STRINGS.length)]);
            case 2 -> NUMBERS[random.nextInt(NUMBERS.length)];
            case 3 -> random.nextBoolean() ? "true" : "false";
            case 4 -> "null";
            case 5 -> quoted("x".repeat(random.nextInt(3) == 0 ? 70_000 : random.nextInt(40)));
            case 6 -> object(depth, random.nextInt(4));
            default -> array(depth);
        };
    }

    private String array(int depth) {
        StringBuilder s = new StringBuilder("[");
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(value(depth + 1));
        }
        return s.append(']').toString();
    }

    /** Arrays or objects nested far deeper than any parser should follow. */
    private String deep() {
        int depth = 500 + random.nextInt(20_000);
        boolean objects = random.nextBoolean();
        String open = objects ? "{\"properties\":" : "[";
        String close = objects ? "}" : "]";
        return open.repeat(depth) + (objects ? "{}" : "1") + close.repeat(depth);
    }

    /** {@code valid} cut short, or with one character replaced or inserted. */
    private String mutate(String valid) {
        if (valid.isEmpty()) {
            return valid;
        }
        int at = random.nextInt(valid.length());
        return switch (random.nextInt(4)) {
            case 0 -> valid.substring(0, at);
            case 1 -> valid.substring(0, at) + BROKEN[random.nextInt(BROKEN.length)] + valid.substring(at + 1);
            case 2 -> valid.substring(0, at) + BROKEN[random.nextInt(BROKEN.length)] + valid.substring(at);
            default -> valid.substring(0, valid.length() - 1) + "," + quoted(FIELDS[random.nextInt(FIELDS.length)])
                    + ":" + value(1) + "}";
        };
    }

    /** Strings are quoted as they are: escapes in the pools stay escapes in the JSON. */
    private static String quoted(String s) {
        return "\"" + s + "\"";
    }
}
