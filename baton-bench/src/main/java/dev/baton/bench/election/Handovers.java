package dev.baton.bench.election;

/**
 * The handovers measured for one system after one kind of event: each from just before the event
 * to the successor's "you lead" callback, in nanoseconds, and how many trials failed.
 */
record Handovers(ElectionEvent event, String system, long[] nanos, int failures) {
    double[] millis() {
        double[] millis = new double[nanos.length];
        for (int i = 0; i < nanos.length; i++) {
            millis[i] = nanos[i] / 1e6;
        }
        return millis;
    }
}
