package dev.baton.tasks;

/**
 * Input that breaks a rule of the task model: an invalid task id, oversized properties, a
 * malformed command, a corrupt persisted state. The message names what was being read, the
 * offending value (quoted, truncated when long) and the rule it breaks, for example
 * {@code invalid task id "a/b": must not contain '/' (at index 1)}.
 */
public final class TaskFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String subject;
    private final String value;
    private final String rule;

    TaskFormatException(String subject, String value, String rule) {
        this(subject, value, rule, null);
    }

    TaskFormatException(String subject, String value, String rule, Throwable cause) {
        super("invalid " + subject + " " + Excerpt.of(value) + ": " + rule, cause);
        this.subject = subject;
        this.value = Excerpt.of(value);
        this.rule = rule;
    }

    /** What was being read, such as {@code task id} or {@code member command}. */
    public String subject() {
        return subject;
    }

    /** The offending value, quoted and cut to a bounded length. */
    public String value() {
        return value;
    }

    /** The rule the value breaks. */
    public String rule() {
        return rule;
    }
}
