package dev.baton.tasks;

import java.util.Objects;

/**
 * Where the tasks of one deployment live in the store, under a namespace that ends in
 * {@code /} (see {@code docs/keyspace.md}):
 *
 * <pre>
 * &lt;ns&gt;tasks/&lt;id&gt;/spec                   the task: properties, submit time, not-before   no lease
 * &lt;ns&gt;tasks/&lt;id&gt;/owner                  the claim: member id; create revision = token    member's lease
 * &lt;ns&gt;tasks/&lt;id&gt;/state                  the persisted {@link TaskState}; absent: runnable no lease
 * &lt;ns&gt;tasks/&lt;id&gt;/done                   the final state of a retired task               no lease
 * &lt;ns&gt;members/&lt;member&gt;                   a live member: {"frozen":false}               member's lease
 * &lt;ns&gt;commands/members/&lt;member&gt;/&lt;name&gt;  a {@link MemberCommand}                      no lease
 * &lt;ns&gt;commands/tasks/&lt;id&gt;/&lt;name&gt;       a {@link TaskCommand}                        no lease
 * </pre>
 *
 * A task exists while its {@code spec} exists; {@code spec} and {@code done} are never present
 * together, because one transaction deletes the first and writes the second.
 */
final class Keyspace {

    /** The namespace used when none is given. */
    static final String DEFAULT_NAMESPACE = "baton/";

    enum Part {
        SPEC("spec"), OWNER("owner"), STATE("state"), DONE("done");

        private final String segment;

        Part(String segment) {
            this.segment = segment;
        }

        String segment() {
            return segment;
        }

        static Part fromSegment(String segment) {
            for (Part part : values()) {
                if (part.segment.equals(segment)) {
                    return part;
                }
            }
            return null;
        }
    }

    /** What a key under the namespace is. */
    sealed interface Parsed {
    }

    /** One of the keys of a task. */
    record TaskKey(TaskId task, Part part) implements Parsed {
    }

    /** A member's registration. */
    record MemberKey(String member) implements Parsed {
    }

    /** A command to a member. */
    record MemberCommandKey(String member) implements Parsed {
    }

    /** A command to a task. */
    record TaskCommandKey(TaskId task) implements Parsed {
    }

    /** A key inside the task layout that does not fit it; {@code problem} says why. */
    record Stray(String problem) implements Parsed {
    }

    /** A key of the namespace outside the task layout (another recipe's); ignored. */
    record Foreign() implements Parsed {
    }

    private final String namespace;
    private final String tasks;
    private final String members;
    private final String memberCommands;
    private final String taskCommands;

    Keyspace(String namespace) {
        this.namespace = checkNamespace(namespace);
        this.tasks = namespace + "tasks/";
        this.members = namespace + "members/";
        this.memberCommands = namespace + "commands/members/";
        this.taskCommands = namespace + "commands/tasks/";
    }

    /** Returns {@code namespace} when it is usable as the root of a task deployment. */
    static String checkNamespace(String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        if (namespace.isEmpty() || !namespace.endsWith("/")) {
            throw new IllegalArgumentException("namespace must be non-empty and end in '/', is \"" + namespace + "\"");
        }
        for (int i = 0; i < namespace.length(); i++) {
            if (Character.isISOControl(namespace.charAt(i))) {
                throw new IllegalArgumentException("namespace must not contain control characters, is "
                        + Excerpt.of(namespace));
            }
        }
        return namespace;
    }

    String namespace() {
        return namespace;
    }

    String tasksPrefix() {
        return tasks;
    }

    String taskPrefix(TaskId task) {
        return tasks + task.value() + "/";
    }

    String taskKey(TaskId task, Part part) {
        return taskPrefix(task) + part.segment();
    }

    String spec(TaskId task) {
        return taskKey(task, Part.SPEC);
    }

    String owner(TaskId task) {
        return taskKey(task, Part.OWNER);
    }

    String state(TaskId task) {
        return taskKey(task, Part.STATE);
    }

    String done(TaskId task) {
        return taskKey(task, Part.DONE);
    }

    String member(String member) {
        return members + member;
    }

    String memberCommandPrefix(String member) {
        return memberCommands + member + "/";
    }

    String taskCommandPrefix(TaskId task) {
        return taskCommands + task.value() + "/";
    }

    /** Classifies a key of the namespace. */
    Parsed parse(String key) {
        if (key.startsWith(tasks)) {
            return parseTaskKey(key.substring(tasks.length()));
        }
        if (key.startsWith(members)) {
            return parseName("member id", key.substring(members.length()), MemberKey::new);
        }
        if (key.startsWith(memberCommands)) {
            return parseCommand(key.substring(memberCommands.length()), "member id", MemberCommandKey::new);
        }
        if (key.startsWith(taskCommands)) {
            return parseCommand(key.substring(taskCommands.length()), "task id",
                    id -> new TaskCommandKey(TaskId.of(id)));
        }
        return new Foreign();
    }

    private static Parsed parseTaskKey(String rest) {
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return new Stray("not of the form tasks/<id>/<part>");
        }
        Part part = Part.fromSegment(rest.substring(slash + 1));
        if (part == null) {
            return new Stray("unknown task key part " + Excerpt.of(rest.substring(slash + 1))
                    + "; expected spec, owner, state or done");
        }
        return parseName("task id", rest.substring(0, slash), id -> new TaskKey(TaskId.of(id), part));
    }

    private static Parsed parseCommand(String rest, String subject, java.util.function.Function<String, Parsed> make) {
        int slash = rest.indexOf('/');
        if (slash < 0 || slash == rest.length() - 1) {
            return new Stray("not of the form commands/<target>/<name>");
        }
        return parseName(subject, rest.substring(0, slash), make);
    }

    private static Parsed parseName(String subject, String name, java.util.function.Function<String, Parsed> make) {
        try {
            KeySegment.check(subject, name);
            return make.apply(name);
        } catch (TaskFormatException e) {
            return new Stray(e.getMessage());
        }
    }
}
