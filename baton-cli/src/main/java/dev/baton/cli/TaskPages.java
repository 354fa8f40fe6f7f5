package dev.baton.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.cache.CacheEntry;
import dev.baton.cache.CacheSnapshot;
import dev.baton.tasks.TaskState;
import dev.baton.tasks.TaskStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A namespace's tasks as a table: a row per task, in the store's key order, so that paging by "the
 * last id seen" is stable while tasks come and go; pages bounded both in rows and in bytes. Which
 * tasks a page shows comes from the {@link TaskIndex}; what each row says is read from one cache
 * snapshot of {@code <ns>tasks/<id>/spec}, {@code state}, {@code owner} and {@code done} (the layout
 * is in docs/keyspace.md), where the filters are checked again, so a page never shows a task that
 * the snapshot says does not match.
 *
 * <p>A row cuts the long texts (the command line, the output tail and the last error) to at most
 * {@value #TEXT_CHARS} characters each, so a row stays under 16 KiB even when every character needs
 * a JSON escape, and a page ends before it would pass {@link #MAX_PAGE_BYTES}: the first row always
 * fits.
 */
final class TaskPages {
    /** No page's rows together take more than this many bytes of JSON. */
    static final int MAX_PAGE_BYTES = 192 * 1024;
    /** How much of a task's output and last error a row carries. */
    static final int TEXT_CHARS = 1000;
    /** How much of a task's command line a row carries. */
    static final int COMMAND_CHARS = 200;

    /** An instant as written by {@code Instant.toString()} fits in this; a longer one is not one. */
    private static final int INSTANT_CHARS = 40;
    /** How many ids are taken from the index at a time. */
    private static final int IDS_AT_ONCE = 128;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CUT = "…";

    /** The records of one task, by record name ({@code spec}, {@code state}, ...; "" for a key that is the task's id alone). */
    private record Task(String id, Map<String, CacheEntry<String>> records) {
        /**
         * The status alone, read without decoding the rest of the record (its error and checkpoint
         * can take kilobytes): its done record's, else its state record's, else runnable when it has
         * a spec, as a live task without a state record has not run yet.
         */
        Optional<TaskStatus> status() {
            Optional<String> stateRecord = stateRecord();
            if (stateRecord.isPresent()) {
                return statusOf(stateRecord.get());
            }
            return records.containsKey("spec") ? Optional.of(TaskStatus.RUNNABLE) : Optional.empty();
        }

        /** Its done record when it has one, else its state record. */
        private Optional<String> stateRecord() {
            CacheEntry<String> entry = records.containsKey("done") ? records.get("done") : records.get("state");
            return Optional.ofNullable(entry).map(CacheEntry::value);
        }

        /**
         * Its state as stored (the done or state record, parsed once and not checked further: a row
         * shows what is there), or, for a live task without a state record, runnable with no attempt
         * since its spec's {@code submitted} instant.
         */
        JsonNode state(JsonNode spec) {
            return stateRecord().map(TaskPages::parse).orElseGet(() -> JSON.createObjectNode()
                    .put("state", TaskStatus.RUNNABLE.wireName()).put("since", spec.path("submitted").asText(""))
                    .put("attempts", 0));
        }

        Optional<String> owner() {
            return Optional.ofNullable(records.get("owner")).map(CacheEntry::value);
        }

        boolean matches(TaskQuery query) {
            return !records.isEmpty() && (query.state().isEmpty() || status().equals(query.state()))
                    && (query.owner().isEmpty() || owner().equals(query.owner()));
        }
    }

    private final TaskIndex index;
    private final CacheSnapshot<String> snapshot;
    private final String tasksPrefix;
    private final Instant now;

    /**
     * @param now the instant a row's runtime is measured to
     */
    TaskPages(TaskIndex index, CacheSnapshot<String> snapshot, String namespace, Instant now) {
        this.index = index;
        this.snapshot = snapshot;
        this.tasksPrefix = namespace + "tasks/";
        this.now = now;
    }

    /**
     * One page: {@code {"revision", "tasks": [rows], "next"}}, where {@code next} is the id to pass
     * as {@code after} for the following page, or null when no task matches beyond this page. Its
     * rows take at most {@code maxBytes} of JSON, except that the first row always fits.
     */
    ObjectNode page(TaskQuery query, int maxBytes) {
        ObjectNode page = JSON.createObjectNode().put("revision", snapshot.revision());
        ArrayNode rows = page.putArray("tasks");
        boolean more = JsonRows.fill(rows, rows(query).iterator(), query.limit(), maxBytes);
        String next = more ? rows.get(rows.size() - 1).get("id").asText() : null;
        page.put("next", next);
        return page;
    }

    /** Every row the query matches from its {@code after} on, whatever its limit. */
    Stream<ObjectNode> rows(TaskQuery query) {
        Iterator<Task> matching = new Iterator<>() {
            private final Deque<String> ids = new ArrayDeque<>();
            private Optional<String> after = query.after();
            private boolean indexEnded;
            private Task next;

            @Override
            public boolean hasNext() {
                while (next == null && !(ids.isEmpty() && indexEnded)) {
                    if (ids.isEmpty()) {
                        List<String> read = index.ids(query, after, IDS_AT_ONCE);
                        indexEnded = read.size() < IDS_AT_ONCE;
                        ids.addAll(read);
                        after = read.isEmpty() ? after : Optional.of(read.get(read.size() - 1));
                    } else {
                        Task task = task(ids.removeFirst());
                        next = task.matches(query) ? task : null;
                    }
                }
                return next != null;
            }

            @Override
            public Task next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Task task = next;
                next = null;
                return task;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(matching, Spliterator.ORDERED), false)
                .map(this::row);
    }

    /** Task {@code id} with every record the snapshot holds of it (none when it is gone). */
    private Task task(String id) {
        Map<String, CacheEntry<String>> records = new HashMap<>();
        String key = tasksPrefix + id;
        snapshot.get(key).ifPresent(entry -> records.put("", entry));
        snapshot.stream(key + "/").forEach(entry -> records.put(entry.key().substring(key.length() + 1), entry));
        return new Task(id, records);
    }

    /**
     * What a row shows of {@code task}, each record parsed once: a record is read as it is stored
     * rather than through the task runner's checked decoding, which parses a done record twice,
     * writes it once and measures it three times, fifty to a hundred times the cost of one parse
     * for a done record with a full error and output.
     */
    private ObjectNode row(Task task) {
        ObjectNode row = JSON.createObjectNode().put("id", task.id());
        task.owner().ifPresent(owner -> row.put("owner", owner));
        JsonNode spec = Optional.ofNullable(task.records().get("spec")).map(entry -> parse(entry.value()))
                .orElse(MissingNode.getInstance());
        JsonNode argv = spec.path("properties").path("argv");
        if (argv.isArray()) {
            row.put("command", head(StreamSupport.stream(argv.spliterator(), false).map(JsonNode::asText)
                    .collect(Collectors.joining(" ")), COMMAND_CHARS));
        }
        if (!spec.isMissingNode()) {
            row.put("submitted", head(spec.path("submitted").asText(""), INSTANT_CHARS));
        }
        task.status().ifPresent(status -> {
            JsonNode state = task.state(spec);
            String since = head(state.path("since").asText(""), INSTANT_CHARS);
            row.put("state", status.wireName()).put("since", since).put("attempts", state.path("attempts").asInt())
                    .put("done", status.terminal());
            text(state, "lastError").ifPresent(error -> row.put("lastError", head(error, TEXT_CHARS)));
            text(state, "checkpoint").flatMap(CommandResult::fromJson).ifPresent(result -> row
                    .put("exitCode", result.exitCode()).put("durationMs", result.duration().toMillis())
                    .put("output", tail(result.output(), TEXT_CHARS)));
            instant(since).ifPresent(start -> row.put("runtimeMs", Duration.between(start, now).toMillis()));
            JsonNode result = state.path("result");
            if (task.records().containsKey("done") && result.isObject()) {
                row.put("result", head(result.toString(), TEXT_CHARS));
            }
        });
        return row;
    }

    private static Optional<String> text(JsonNode record, String field) {
        JsonNode value = record.path(field);
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The first {@code chars} characters of {@code text}, never half a surrogate pair. */
    static String head(String text, int chars) {
        if (text.length() <= chars) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(chars - 1)) ? chars - 1 : chars;
        return text.substring(0, end) + CUT;
    }

    /** The last {@code chars} characters of {@code text}, never half a surrogate pair. */
    private static String tail(String text, int chars) {
        if (text.length() <= chars) {
            return text;
        }
        int start = text.length() - chars;
        return CUT + text.substring(Character.isLowSurrogate(text.charAt(start)) ? start + 1 : start);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    /** The status whose JSON name is {@code name}, if any. */
    static Optional<TaskStatus> statusNamed(String name) {
        return Arrays.stream(TaskStatus.values()).filter(status -> status.wireName().equals(name)).findFirst();
    }

    /** The {@code state} field of a stored task state; empty when there is none or it names no status. */
    static Optional<TaskStatus> statusOf(String json) {
        try (JsonParser parser = JSON.getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("state")) {
                    String name = value == JsonToken.VALUE_STRING ? parser.getText() : "";
                    return statusNamed(name);
                }
                parser.skipChildren();
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The task state stored as {@code json}; empty when it is null or not a task state. */
    static Optional<TaskState> decode(String json) {
        try {
            return json == null ? Optional.empty() : Optional.of(TaskState.decode(json));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
