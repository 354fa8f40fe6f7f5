package dev.baton.bench.election;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A leader for the kill -9 trials, in a JVM of its own so it can be killed with {@code SIGKILL}:
 * it campaigns in one election of one system, prints {@code ELECTED} once it leads, and holds
 * the leadership (its session renewed) until it is killed.
 *
 * <p>Arguments: {@code baton|jetcd|curator endpoint election}.
 */
public final class CandidateMain {
    private static final Duration ELECTED = Duration.ofMinutes(5);

    private CandidateMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: baton|jetcd|curator endpoint election, got " + List.of(args));
        }
        ElectionSystem system = ElectionSystem.of(args[0], args[1]);
        Candidate candidate = system.candidate(args[2]);
        candidate.campaign().get(ELECTED.toSeconds(), TimeUnit.SECONDS);
        System.out.println("ELECTED");
        System.out.flush();
        Thread.currentThread().join();
    }
}
