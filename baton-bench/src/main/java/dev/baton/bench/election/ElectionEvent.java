package dev.baton.bench.election;

/** What ends a leadership in a trial. */
enum ElectionEvent {
    /** The leader resigns; the successor runs in the same JVM. */
    RESIGN("resign"),
    /** The leader's JVM gets {@code SIGKILL}: its session ends only when the store expires it. */
    KILL("kill -9");

    private final String label;

    ElectionEvent(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
