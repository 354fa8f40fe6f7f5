package dev.baton.chaos;

import dev.baton.chaos.fault.Nemesis;
import java.util.Arrays;
import java.util.Optional;

/** The scenarios: one nemesis each, on the store it needs; compaction runs during all of them. */
enum Scenario {
    WORKER_KILL(Nemesis.WORKER_KILL, Store.ETCD),
    WORKER_PAUSE(Nemesis.WORKER_PAUSE, Store.ETCD),
    WORKER_CUT(Nemesis.WORKER_CUT, Store.ETCD),
    WORKER_HALF_PARTITION(Nemesis.WORKER_HALF_PARTITION, Store.ETCD),
    ETCD_LEADER_KILL(Nemesis.ETCD_LEADER_KILL, Store.ETCD),
    ETCD_LEADER_PAUSE(Nemesis.ETCD_LEADER_PAUSE, Store.ETCD),
    ETCD_PARTITION(Nemesis.ETCD_PARTITION, Store.ETCD),
    SERVER_KILL(Nemesis.SERVER_KILL, Store.EMBEDDED),
    SERVER_KILL_BURST(Nemesis.SERVER_KILL_BURST, Store.EMBEDDED),
    SERVER_DISK_FULL(Nemesis.SERVER_DISK_FULL, Store.EMBEDDED),
    ROLLING_RESTART(Nemesis.ROLLING_RESTART, Store.ETCD),
    SOAK(Nemesis.SOAK, Store.ETCD);

    enum Store { ETCD, EMBEDDED }

    final Nemesis nemesis;
    final Store store;

    Scenario(Nemesis nemesis, Store store) {
        this.nemesis = nemesis;
        this.store = store;
    }

    String label() {
        return nemesis.label();
    }

    static Optional<Scenario> byLabel(String label) {
        return Arrays.stream(values()).filter(s -> s.label().equals(label)).findFirst();
    }
}
