package dev.baton.shedlock;

import java.time.Duration;
import java.time.Instant;
import net.javacrumbs.shedlock.core.LockConfiguration;

/**
 * An application instance in its own JVM that runs one long job under ShedLock lock {@code NAME}
 * and prints {@code RUNNING token=<token>} once the job holds it.
 *
 * <p>Arguments: {@code endpoints name ttl-seconds}.
 */
public final class ScheduledJobMain {
    private ScheduledJobMain() {
    }

    public static void main(String[] args) {
        Instance instance = Instance.start(args[0], Duration.ofSeconds(Long.parseLong(args[2])));
        instance.executor.executeWithLock((Runnable) () -> {
            System.out.println("RUNNING token=" + BatonLockProvider.heldLock().orElseThrow().token());
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, new LockConfiguration(Instant.now(), args[1], Duration.ofMinutes(10), Duration.ZERO));
    }
}
