package dev.baton.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Set;

/**
 * An instruction to one member, stored as JSON: {@code {"command":"freeze"}} (stop claiming),
 * {@code {"command":"unfreeze"}}, {@code {"command":"balance"}} (run the balancer now) and
 * {@code {"command":"release","task":"<id>"}} (give up one task so another member runs it).
 * {@link #parse} refuses anything else (unknown names, missing or extra fields, invalid task
 * ids, input over {@value #MAX_ENCODED_BYTES} bytes) with a {@link TaskFormatException} that
 * the member reports before deleting the command.
 */
public sealed interface MemberCommand {

    /** The largest command accepted, in UTF-8 bytes. */
    int MAX_ENCODED_BYTES = 1024;

    /** Stop claiming tasks; running tasks keep running. */
    record Freeze() implements MemberCommand {
        @Override
        public String name() {
            return "freeze";
        }
    }

    /** Claim tasks again. */
    record Unfreeze() implements MemberCommand {
        @Override
        public String name() {
            return "unfreeze";
        }
    }

    /** Run the balancer now instead of waiting for the next change. */
    record Balance() implements MemberCommand {
        @Override
        public String name() {
            return "balance";
        }
    }

    /**
     * Release one task, which keeps its state and is claimed by another member.
     *
     * @param task the task to release
     */
    record Release(TaskId task) implements MemberCommand {
        public Release {
            Objects.requireNonNull(task, "task");
        }

        @Override
        public String name() {
            return "release";
        }
    }

    static MemberCommand freeze() {
        return new Freeze();
    }

    static MemberCommand unfreeze() {
        return new Unfreeze();
    }

    static MemberCommand balance() {
        return new Balance();
    }

    static MemberCommand release(TaskId task) {
        return new Release(task);
    }

    /** The command's name as it appears in the {@code command} field. */
    String name();

    /** The stored JSON form. */
    default String encode() {
        ObjectNode node = JsonCodec.newObject();
        node.put("command", name());
        if (this instanceof Release release) {
            node.put("task", release.task().value());
        }
        return JsonCodec.write(node);
    }

    /** Reads a stored command, refusing anything {@link #encode} could not have written. */
    static MemberCommand parse(String json) {
        JsonRecord record = JsonRecord.parse("member command", json, MAX_ENCODED_BYTES, Set.of("command", "task"));
        String name = record.requireText("command");
        boolean needsTask = name.equals("release");
        if (!needsTask && record.has("task")) {
            throw record.invalid("field \"task\" is not allowed for command " + Excerpt.of(name));
        }
        return switch (name) {
            case "freeze" -> freeze();
            case "unfreeze" -> unfreeze();
            case "balance" -> balance();
            case "release" -> {
                String task = record.requireText("task");
                try {
                    yield release(TaskId.of(task));
                } catch (TaskFormatException e) {
                    throw record.invalid("field \"task\": " + e.getMessage());
                }
            }
            default -> throw record.invalid("unknown command " + Excerpt.of(name)
                    + "; expected one of freeze, unfreeze, balance, release");
        };
    }
}
