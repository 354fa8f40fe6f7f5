package dev.baton.cli;

/**
 * The keys the command line adds to a task namespace (the tasks' own layout is in
 * {@code docs/keyspace.md}): a worker's record, and the name of the fleet's leader election.
 */
final class FleetKeys {
    private FleetKeys() {
    }

    /** {@code <ns>workers/<name>}: the worker's zone, limits and dashboard, on its session lease. */
    static String worker(String namespace, String name) {
        return workers(namespace) + name;
    }

    static String workers(String namespace) {
        return namespace + "workers/";
    }

    /** {@code <ns>leader}: the election the workers run; candidates are {@code <ns>leader/<lease-hex>}. */
    static String election(String namespace) {
        return namespace + "leader";
    }
}
