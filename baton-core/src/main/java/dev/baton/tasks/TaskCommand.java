package dev.baton.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Set;

/**
 * An instruction to one task, stored as JSON such as {@code {"command":"pause"}}, and applied
 * to the task's state machine as a message: pause → PAUSE, resume → RUN, stop → RELEASE (the
 * task keeps its state and is run elsewhere), kill → KILL (terminal). {@link #parse} refuses
 * anything else with a {@link TaskFormatException}.
 */
public enum TaskCommand {
    PAUSE(TaskMessage.pause()),
    RESUME(TaskMessage.run()),
    STOP(TaskMessage.release()),
    KILL(TaskMessage.kill());

    /** The largest command accepted, in UTF-8 bytes. */
    public static final int MAX_ENCODED_BYTES = 1024;

    private final TaskMessage message;

    TaskCommand(TaskMessage message) {
        this.message = message;
    }

    /** The message this command applies to the task's state machine. */
    public TaskMessage message() {
        return message;
    }

    /** The command's name as it appears in the {@code command} field. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The stored JSON form. */
    public String encode() {
        ObjectNode node = JsonCodec.newObject();
        node.put("command", wireName());
        return JsonCodec.write(node);
    }

    /** Reads a stored command, refusing anything {@link #encode} could not have written. */
    public static TaskCommand parse(String json) {
        JsonRecord record = JsonRecord.parse("task command", json, MAX_ENCODED_BYTES, Set.of("command"));
        String name = record.requireText("command");
        for (TaskCommand command : values()) {
            if (command.wireName().equals(name)) {
                return command;
            }
        }
        throw record.invalid("unknown command " + Excerpt.of(name) + "; expected one of pause, resume, stop, kill");
    }
}
