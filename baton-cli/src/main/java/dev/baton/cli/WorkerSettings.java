package dev.baton.cli;

import dev.baton.tasks.RetentionPolicy;
import java.time.Duration;
import java.util.Optional;

/**
 * How a worker joins and behaves.
 *
 * @param name      member id, unique in the namespace
 * @param zone      free-form failure domain shown next to the member
 * @param maxTasks  most tasks held and run at once
 * @param ttl       session lease TTL: how long after a crash its tasks are taken over
 * @param grace     how long a SIGTERM lets running tasks finish before releasing them
 * @param retention how long and how many finished tasks stay listed before the leader removes them
 * @param http      where the worker's dashboard is served, if anywhere
 */
record WorkerSettings(String name, String zone, int maxTasks, Duration ttl, Duration grace, RetentionPolicy retention,
                      Optional<String> http) {
}
