package dev.baton.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.etcd.Etcd;
import dev.baton.schedule.ScheduleInfo;
import dev.baton.schedule.Schedules;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schedules of a namespace as the dashboard shows them: each with its trigger, state, last
 * fire time and next fire times. Read through {@link Schedules#list()} when the fleet view has seen
 * a schedule change ({@link #changed()}), not on every fleet update; the fire times are computed
 * anew for each. When the store cannot be read the last schedules read are shown. At most {@value #MAX_ROWS}
 * schedules ({@value #MAX_ROWS_BYTES} bytes of JSON) are listed, the soonest to fire first.
 */
final class FleetSchedules {
    private static final Logger LOG = LoggerFactory.getLogger(FleetSchedules.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_ROWS = 50;
    static final int MAX_ROWS_BYTES = 16 * 1024;
    static final int NEXT_FIRES = 3;
    private static final int COMMAND_CHARS = 200;

    private final Schedules schedules;
    private volatile boolean changed = true;
    private volatile List<ScheduleInfo> known = List.of();

    FleetSchedules(Etcd etcd, String namespace) {
        this.schedules = Schedules.create(etcd, namespace);
    }

    /** A schedule was created, changed, fired or deleted: the next {@link #json} reads them again. */
    void changed() {
        changed = true;
    }

    /** {@code {"total":N,"rows":[...]}}, fire times after {@code now}. */
    ObjectNode json(Instant now) {
        if (changed) {
            changed = false;
            try {
                known = schedules.list();
            } catch (RuntimeException e) {
                changed = true;
                LOG.debug("reading the schedules failed; showing the last ones read", e);
            }
        }
        List<ScheduleInfo> infos = known;
        ObjectNode root = JSON.createObjectNode().put("total", infos.size());
        JsonRows.fill(root.putArray("rows"), infos.stream().map(info -> new Row(info, info.schedule().filter(s -> !s.paused())
                        .map(s -> info.nextFireTimes(now, NEXT_FIRES)).orElse(List.of())))
                .sorted(Comparator.comparing(Row::first, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(row -> row.info().name()))
                .map(Row::json).iterator(), MAX_ROWS, MAX_ROWS_BYTES);
        return root;
    }

    /** A schedule and its next fire times (none when paused or not decodable). */
    private record Row(ScheduleInfo info, List<Instant> next) {
        Instant first() {
            return next.isEmpty() ? null : next.get(0);
        }

        ObjectNode json() {
            ObjectNode node = JSON.createObjectNode().put("name", info.name())
                    .put("state", ScheduleCommand.ListSchedules.state(info))
                    .put("trigger", info.schedule().map(s -> s.trigger().toString()).orElse(""))
                    .put("command", TaskPages.head(info.schedule().map(ScheduleCommand.ListSchedules::commandLine)
                            .orElse(String.join("; ", info.problems())), COMMAND_CHARS))
                    .put("lastFire", info.lastFire().map(Instant::toString).orElse(null));
            ArrayNode fires = node.putArray("next");
            next.forEach(at -> fires.add(at.toString()));
            return node;
        }
    }
}
