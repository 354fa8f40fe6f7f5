package dev.baton.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.cache.CacheEntry;
import dev.baton.cache.CacheSnapshot;
import dev.baton.tasks.TaskState;
import dev.baton.tasks.TaskStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A namespace's tasks as a table, read from one cache snapshot of {@code <ns>tasks/<id>/spec},
 * {@code state}, {@code owner} and {@code done} (the layout is in docs/keyspace.md): a row per
 * task, in the store's key order, so that paging by "the last id seen" is stable while tasks come
 * and go; pages bounded both in rows and in bytes; and counts by state and by owner, which list
 * nothing.
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
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CUT = "…";

    /** The records of one task, by record name ({@code spec}, {@code state}, ...). */
    private record Task(String id, Map<String, CacheEntry<String>> records) {
        Optional<TaskState> state() {
            return records.containsKey("done") ? decodeDone(records.get("done").value())
                    : stateRecord().flatMap(TaskPages::decode);
        }

        /**
         * The status alone, read without decoding the rest of the record (its error and checkpoint
         * can take kilobytes): filters and counts read it for every task.
         */
        Optional<TaskStatus> status() {
            return stateRecord().flatMap(TaskPages::statusOf);
        }

        private Optional<String> stateRecord() {
            CacheEntry<String> entry = records.containsKey("done") ? records.get("done") : records.get("state");
            return Optional.ofNullable(entry).map(CacheEntry::value);
        }

        Optional<String> owner() {
            return Optional.ofNullable(records.get("owner")).map(CacheEntry::value);
        }
    }

    private final CacheSnapshot<String> snapshot;
    private final String tasksPrefix;
    private final Instant now;

    /**
     * @param now the instant a row's runtime is measured to
     */
    TaskPages(CacheSnapshot<String> snapshot, String namespace, Instant now) {
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
        Stream<Task> tasks = tasks(query.prefix());
        if (query.after().isPresent()) {
            byte[] after = keySegment(query.after().get());
            tasks = tasks.dropWhile(task -> Arrays.compareUnsigned(keySegment(task.id()), after) <= 0);
        }
        return tasks
                .filter(task -> query.state().isEmpty() || task.status().equals(query.state()))
                .filter(task -> query.owner().isEmpty() || task.owner().equals(query.owner()))
                .map(this::row);
    }

    /**
     * {@code {"revision", "total", "states": {state: n}, "held": {member: n}}}: how many tasks are in
     * each state (every state is listed, with 0 when none is) and how many claims each member holds.
     */
    ObjectNode counts() {
        Map<TaskStatus, Integer> states = new TreeMap<>();
        Arrays.stream(TaskStatus.values()).forEach(status -> states.put(status, 0));
        Map<String, Integer> held = new TreeMap<>();
        int[] total = {0};
        tasks("").forEach(task -> {
            total[0]++;
            task.status().ifPresent(status -> states.merge(status, 1, Integer::sum));
            task.owner().ifPresent(owner -> held.merge(owner, 1, Integer::sum));
        });
        ObjectNode counts = JSON.createObjectNode().put("revision", snapshot.revision()).put("total", total[0]);
        ObjectNode byState = counts.putObject("states");
        states.forEach((status, n) -> byState.put(status.wireName(), n));
        ObjectNode byOwner = counts.putObject("held");
        held.forEach(byOwner::put);
        return counts;
    }

    /** The tasks whose id starts with {@code idPrefix}, each with all its records, in key order. */
    private Stream<Task> tasks(String idPrefix) {
        Iterator<CacheEntry<String>> entries = snapshot.stream(tasksPrefix + idPrefix).iterator();
        Iterator<Task> grouped = new Iterator<>() {
            private CacheEntry<String> pending = entries.hasNext() ? entries.next() : null;

            @Override
            public boolean hasNext() {
                return pending != null;
            }

            @Override
            public Task next() {
                if (pending == null) {
                    throw new NoSuchElementException();
                }
                String id = idOf(pending);
                Map<String, CacheEntry<String>> records = new HashMap<>();
                while (pending != null && idOf(pending).equals(id)) {
                    records.put(pending.key().substring(Math.min(pending.key().length(),
                            tasksPrefix.length() + id.length() + 1)), pending);
                    pending = entries.hasNext() ? entries.next() : null;
                }
                return new Task(id, records);
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(grouped, Spliterator.ORDERED), false);
    }

    private String idOf(CacheEntry<String> entry) {
        String rest = entry.key().substring(tasksPrefix.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    /** A task id as its keys order it: its UTF-8 bytes followed by the separator. */
    private static byte[] keySegment(String id) {
        return (id + "/").getBytes(StandardCharsets.UTF_8);
    }

    private ObjectNode row(Task task) {
        ObjectNode row = JSON.createObjectNode().put("id", task.id());
        task.owner().ifPresent(owner -> row.put("owner", owner));
        Optional.ofNullable(task.records().get("spec")).ifPresent(spec -> {
            JsonNode json = parse(spec.value());
            JsonNode argv = json.path("properties").path("argv");
            if (argv.isArray()) {
                row.put("command", head(StreamSupport.stream(argv.spliterator(), false).map(JsonNode::asText)
                        .collect(Collectors.joining(" ")), COMMAND_CHARS));
            }
            row.put("submitted", head(json.path("submitted").asText(""), INSTANT_CHARS));
        });
        task.state().ifPresent(state -> {
            row.put("state", state.status().wireName()).put("since", state.since().toString())
                    .put("attempts", state.attempts()).put("done", state.status().terminal());
            state.lastError().ifPresent(error -> row.put("lastError", head(error, TEXT_CHARS)));
            state.checkpoint().flatMap(CommandResult::fromJson).ifPresent(result -> row
                    .put("exitCode", result.exitCode()).put("durationMs", result.duration().toMillis())
                    .put("output", tail(result.output(), TEXT_CHARS)));
            row.put("runtimeMs", Duration.between(state.since(), now).toMillis());
        });
        Optional.ofNullable(task.records().get("done")).map(done -> parse(done.value()).path("result"))
                .filter(JsonNode::isObject).ifPresent(result -> row.put("result", head(result.toString(), TEXT_CHARS)));
        return row;
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
    private static Optional<TaskStatus> statusOf(String json) {
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

    /** The final state of the done record {@code json}; empty when it is null or not a done record. */
    static Optional<TaskState> decodeDone(String json) {
        try {
            return json == null ? Optional.empty() : Optional.of(TaskState.decodeDone(json));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
