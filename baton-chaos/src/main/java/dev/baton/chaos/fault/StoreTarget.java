package dev.baton.chaos.fault;

import java.time.Duration;
import java.util.List;

/** The store a run uses, and the faults that can be done to it. */
public interface StoreTarget extends AutoCloseable {

    /** The client endpoints, {@code http://127.0.0.1:port}, in member order. */
    List<String> endpoints();

    /** The client ports, in member order, for proxies to forward to. */
    List<Integer> ports();

    /** How long the store may take to fail over after a fault, on top of a measured outage. */
    Duration failoverAllowance();

    @Override
    void close();
}
