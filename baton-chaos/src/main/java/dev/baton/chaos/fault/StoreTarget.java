package dev.baton.chaos.fault;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The store a run uses, and the faults that can be done to it. */
public interface StoreTarget extends AutoCloseable {

    /** The client endpoints, {@code http://127.0.0.1:port}, in member order. */
    List<String> endpoints();

    /** The client ports, in member order, for proxies to forward to. */
    List<Integer> ports();

    /** How long the store may take to fail over after a fault, on top of a measured outage. */
    Duration failoverAllowance();

    /** The store's JVM processes, by name, whose resources a run samples; none by default. */
    default Map<String, Long> jvmProcesses() {
        return Map.of();
    }

    @Override
    void close();
}
