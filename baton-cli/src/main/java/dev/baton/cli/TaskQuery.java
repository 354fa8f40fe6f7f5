package dev.baton.cli;

import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskStatus;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which tasks one page of {@code GET /api/tasks} shows: those whose id starts with {@code prefix}
 * and, when given, in {@code state} and held by {@code owner}; the first {@code limit} of them
 * after the task {@code after}, in the store's key order.
 *
 * @param state  only tasks in this state
 * @param owner  only tasks whose claim this member holds
 * @param prefix only tasks whose id starts with it; empty for all
 * @param after  the last id of the previous page; empty for the first page
 * @param limit  the most tasks on the page, 1 to {@value #MAX_LIMIT}
 */
record TaskQuery(Optional<TaskStatus> state, Optional<String> owner, String prefix, Optional<String> after, int limit) {
    /** The page size when the request names none. */
    static final int DEFAULT_LIMIT = 100;
    /** The largest page size a request may ask for. */
    static final int MAX_LIMIT = 500;
    private static final Set<String> PARAMETERS = Set.of("state", "owner", "prefix", "limit", "after");

    /** Every task: no filter, from the first on. */
    static TaskQuery all() {
        return new TaskQuery(Optional.empty(), Optional.empty(), "", Optional.empty(), MAX_LIMIT);
    }

    /**
     * Reads a URL query string ({@code state=&owner=&prefix=&limit=&after=}, each optional; null or
     * empty for none).
     *
     * @throws IllegalArgumentException naming the parameter and value that are not understood
     */
    static TaskQuery parse(String rawQuery) {
        Map<String, String> params = new HashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int equals = pair.indexOf('=');
                String name = decode(equals < 0 ? pair : pair.substring(0, equals));
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                if (params.put(name, value) != null) {
                    throw new IllegalArgumentException("parameter " + name + " is given twice");
                }
            }
        }
        for (String name : params.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw new IllegalArgumentException("unknown parameter \"" + name
                        + "\": expected state, owner, prefix, limit or after");
            }
        }
        String prefix = params.getOrDefault("prefix", "");
        if (!prefix.isEmpty()) {
            checkId("prefix", prefix);
        }
        return new TaskQuery(present(params, "state").map(TaskQuery::status),
                present(params, "owner"), prefix,
                present(params, "after").map(after -> checkId("after", after)),
                present(params, "limit").map(TaskQuery::limit).orElse(DEFAULT_LIMIT));
    }

    private static Optional<String> present(Map<String, String> params, String name) {
        return Optional.ofNullable(params.get(name)).filter(value -> !value.isEmpty());
    }

    private static TaskStatus status(String name) {
        return TaskPages.statusNamed(name).orElseThrow(() -> new IllegalArgumentException("state \"" + name + "\" is not one of "
                        + Arrays.stream(TaskStatus.values()).map(TaskStatus::wireName).collect(Collectors.joining(", "))));
    }

    private static int limit(String value) {
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
            throw new IllegalArgumentException("limit \"" + value + "\" is not from 1 to " + MAX_LIMIT);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit \"" + value + "\" is not a number from 1 to " + MAX_LIMIT, e);
        }
    }

    private static String checkId(String name, String value) {
        try {
            return TaskId.of(value).value();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " \"" + value + "\" cannot be part of a task id: " + e.getMessage(), e);
        }
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not URL-encoded", e);
        }
    }
}
