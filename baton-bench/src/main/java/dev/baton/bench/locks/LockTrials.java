package dev.baton.bench.locks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The two measurements, in milliseconds per trial, the systems taking their trials in turns (one
 * trial of each, then the next round), so none runs on a colder or busier JVM than the others. The
 * order rotates every round, so each system follows each other one equally often: a trial right
 * after another system's runs beside what that one left in flight, which cost up to a millisecond.
 * <i>Uncontended</i>: one client locks and unlocks, timed from the lock call to the unlock's
 * return. <i>Handover</i>: a holder unlocks while a second client waits on another thread; timed
 * from just before the unlock call to the waiter's lock returning, read in this JVM. The waiter
 * gets {@link #SETTLE} to queue behind the holder before each handover.
 */
final class LockTrials {
    static final Duration SETTLE = Duration.ofMillis(200);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private LockTrials() {
    }

    /** Each system's uncontended trials, by display name, in the order of {@code systems}. */
    static Map<String, double[]> uncontended(List<LockSystem> systems, String name, int warmUp, int trials) throws Exception {
        List<LockClient> clients = new ArrayList<>();
        try {
            for (LockSystem system : systems) {
                clients.add(system.client(name + "/" + clients.size()));
            }
            Map<String, double[]> millis = results(systems, trials);
            for (int i = -warmUp; i < trials; i++) {
                for (int s : roundOrder(i, systems.size())) {
                    long start = System.nanoTime();
                    clients.get(s).lock();
                    clients.get(s).unlock();
                    if (i >= 0) {
                        millis.get(systems.get(s).displayName())[i] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
            return millis;
        } finally {
            clients.forEach(LockClient::close);
        }
    }

    /** Each system's handover trials, by display name, in the order of {@code systems}. */
    static Map<String, double[]> handover(List<LockSystem> systems, String name, int warmUp, int trials) throws Exception {
        List<LockClient> holders = new ArrayList<>();
        List<LockClient> waiters = new ArrayList<>();
        try {
            for (LockSystem system : systems) {
                String lock = name + "/" + holders.size();
                holders.add(system.client(lock));
                waiters.add(system.client(lock));
            }
            Map<String, double[]> millis = results(systems, trials);
            for (int i = -warmUp; i < trials; i++) {
                for (int s : roundOrder(i, systems.size())) {
                    double handover = handover(holders.get(s), waiters.get(s));
                    if (i >= 0) {
                        millis.get(systems.get(s).displayName())[i] = handover;
                    }
                }
            }
            return millis;
        } finally {
            holders.forEach(LockClient::close);
            waiters.forEach(LockClient::close);
        }
    }

    private static double handover(LockClient holder, LockClient waiter) throws Exception {
        holder.lock();
        CompletableFuture<Long> acquiredAt = new CompletableFuture<>();
        Thread waiting = new Thread(() -> {
            try {
                waiter.lock();
                acquiredAt.complete(System.nanoTime());
                waiter.unlock();
            } catch (Exception e) {
                acquiredAt.completeExceptionally(e);
            }
        }, "bench-lock-waiter");
        waiting.start();
        Thread.sleep(SETTLE.toMillis());
        long start = System.nanoTime();
        holder.unlock();
        long acquired = acquiredAt.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        waiting.join(WAIT.toMillis());
        return (acquired - start) / 1e6;
    }

    /** The systems' indexes in round {@code round}: the first of the previous round goes last. */
    private static int[] roundOrder(int round, int systems) {
        int[] order = new int[systems];
        for (int k = 0; k < systems; k++) {
            order[k] = Math.floorMod(round + k, systems);
        }
        return order;
    }

    private static Map<String, double[]> results(List<LockSystem> systems, int trials) {
        Map<String, double[]> millis = new LinkedHashMap<>();
        systems.forEach(system -> millis.put(system.displayName(), new double[trials]));
        return millis;
    }
}
