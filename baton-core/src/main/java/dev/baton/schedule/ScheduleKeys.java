package dev.baton.schedule;

import java.util.Objects;
import java.util.Optional;

/**
 * Where the schedules of a deployment live (see {@code docs/keyspace.md}):
 *
 * <pre>
 * &lt;ns&gt;schedules/defs/&lt;name&gt;    the schedule: trigger, misfire policy, properties, paused, anchor   no lease
 * &lt;ns&gt;schedules/fired/&lt;name&gt;   its last fire time, written only by the scheduler, fenced           no lease
 * &lt;ns&gt;scheduler/&lt;lease-hex&gt;    a candidate in the scheduler's election                             member's lease
 * </pre>
 */
final class ScheduleKeys {

    private final String namespace;
    private final String defs;
    private final String fired;

    ScheduleKeys(String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        if (namespace.isEmpty() || !namespace.endsWith("/")) {
            throw new IllegalArgumentException("namespace must be non-empty and end in '/', is \"" + namespace + "\"");
        }
        this.namespace = namespace;
        this.defs = namespace + "schedules/defs/";
        this.fired = namespace + "schedules/fired/";
    }

    String namespace() {
        return namespace;
    }

    /** Every key of the schedules, definitions and fire times. */
    String prefix() {
        return namespace + "schedules/";
    }

    String defsPrefix() {
        return defs;
    }

    String def(String name) {
        return defs + name;
    }

    String fired(String name) {
        return fired + name;
    }

    /** The scheduler's election. */
    String election() {
        return namespace + "scheduler";
    }

    /** The schedule name of a definition key. */
    Optional<String> defName(String key) {
        return nameUnder(defs, key);
    }

    /** The schedule name of a fire-time key. */
    Optional<String> firedName(String key) {
        return nameUnder(fired, key);
    }

    private static Optional<String> nameUnder(String prefix, String key) {
        if (!key.startsWith(prefix) || key.length() == prefix.length()) {
            return Optional.empty();
        }
        return Optional.of(key.substring(prefix.length()));
    }
}
