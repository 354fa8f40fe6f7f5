package dev.baton.chaos.workload;

import dev.baton.chaos.linear.RegisterOp;
import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Guard;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.Operations;
import dev.baton.etcd.TxnResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The register workload for the store itself: a few client threads doing PUT, GET and
 * compare-and-set with unique values on a few keys, each operation recorded with its invocation
 * and completion times. A write that gets no answer is UNKNOWN (it may land later); a read that
 * gets none is FAILED (it changed nothing). Each client waits for one operation before the next,
 * as a process of the history must.
 */
public final class RegisterWorkload implements AutoCloseable {

    public static final String PREFIX = ChaosWorker.NAMESPACE + "register/";
    private static final int KEYS = 3;
    /**
     * Clients move to fresh keys every epoch, so each key's history stays short enough for an
     * exhaustive search even when many operations have unknown outcomes.
     */
    private static final long EPOCH_NANOS = Duration.ofSeconds(5).toNanos();
    /**
     * The keys of an epoch this many epochs behind the current one are deleted, so the namespace
     * holds a few epochs' keys however long the run. No operation on them can still be in flight
     * (each gets its answer or times out within twice the request timeout, well inside an epoch),
     * and the checker judges the recorded history, not the store.
     */
    private static final int RETIRED_AFTER_EPOCHS = 4;
    private static final Duration PAUSE = Duration.ofMillis(20);
    /** After an operation without an answer, a client waits before it tries again. */
    private static final Duration UNKNOWN_PAUSE = Duration.ofMillis(500);

    private final Etcd etcd;
    private final List<RegisterOp> history = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> clients = new ArrayList<>();
    private volatile boolean stopped;

    private final long started = System.nanoTime();

    private RegisterWorkload(Etcd etcd) {
        this.etcd = etcd;
    }

    /** Starts {@code clients} client threads on {@code etcd}, their choices drawn from {@code seed}. */
    public static RegisterWorkload start(Etcd etcd, int clients, long seed) {
        RegisterWorkload workload = new RegisterWorkload(etcd);
        for (int i = 0; i < clients; i++) {
            String process = "p" + i;
            Random random = new Random(seed + i);
            Thread thread = new Thread(() -> workload.runClient(process, random), "chaos-register-" + process);
            thread.setDaemon(true);
            workload.clients.add(thread);
            thread.start();
        }
        Thread retirer = new Thread(workload::retireEpochs, "chaos-register-retire");
        retirer.setDaemon(true);
        workload.clients.add(retirer);
        retirer.start();
        return workload;
    }

    /**
     * One client. After an operation with no answer it continues as a new process of the history
     * ({@code p0}, {@code p0.1}, ...), since the old operation may still be in flight.
     */
    private void runClient(String client, Random random) {
        long counter = 0;
        int generation = 0;
        String process = client;
        String lastSeen = null;
        while (!stopped) {
            String key = epochPrefix(epoch()) + "k" + random.nextInt(KEYS);
            int choice = random.nextInt(10);
            String value = client + "-" + counter++;
            RegisterOp op;
            if (choice < 4) {
                op = get(process, key);
                if (op.outcome() == RegisterOp.Outcome.OK) {
                    lastSeen = op.observed();
                }
            } else if (choice < 7) {
                op = put(process, key, value);
            } else {
                op = cas(process, key, random.nextBoolean() ? lastSeen : null, value);
            }
            history.add(op);
            boolean answered = op.outcome() == RegisterOp.Outcome.OK;
            if (!answered) {
                process = client + "." + ++generation;
            }
            try {
                Thread.sleep(answered ? PAUSE.toMillis() : UNKNOWN_PAUSE.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private long epoch() {
        return (System.nanoTime() - started) / EPOCH_NANOS;
    }

    private static String epochPrefix(long epoch) {
        return PREFIX + "e" + epoch + "-";
    }

    /** Deletes each epoch's keys once it is {@link #RETIRED_AFTER_EPOCHS} behind; a failed delete is tried again. */
    private void retireEpochs() {
        long retired = -1;
        while (!stopped) {
            try {
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(EPOCH_NANOS));
            } catch (InterruptedException e) {
                return;
            }
            while (retired < epoch() - RETIRED_AFTER_EPOCHS && !stopped) {
                try {
                    etcd.delete(KeyRange.prefix(epochPrefix(retired + 1))).get(timeoutMillis(), TimeUnit.MILLISECONDS);
                    retired++;
                } catch (Exception e) {
                    interruptIf(e);
                    break;
                }
            }
        }
    }

    private RegisterOp get(String process, String key) {
        long invoked = System.nanoTime();
        try {
            Optional<KeyValue> read = etcd.get(key).get(timeoutMillis(), TimeUnit.MILLISECONDS);
            return new RegisterOp(process, key, RegisterOp.Kind.GET, null, null, invoked, System.nanoTime(),
                    RegisterOp.Outcome.OK, read.map(KeyValue::valueUtf8).orElse(null));
        } catch (Exception e) {
            interruptIf(e);
            return new RegisterOp(process, key, RegisterOp.Kind.GET, null, null, invoked, System.nanoTime(),
                    RegisterOp.Outcome.FAILED, null);
        }
    }

    private RegisterOp put(String process, String key, String value) {
        long invoked = System.nanoTime();
        try {
            etcd.put(key, bytes(value), 0).get(timeoutMillis(), TimeUnit.MILLISECONDS);
            return new RegisterOp(process, key, RegisterOp.Kind.PUT, value, null, invoked, System.nanoTime(),
                    RegisterOp.Outcome.OK, null);
        } catch (Exception e) {
            interruptIf(e);
            return new RegisterOp(process, key, RegisterOp.Kind.PUT, value, null, invoked, System.nanoTime(),
                    RegisterOp.Outcome.UNKNOWN, null);
        }
    }

    private RegisterOp cas(String process, String key, String expected, String value) {
        long invoked = System.nanoTime();
        Guard compare = expected == null ? Compares.absent(key) : Compares.valueIs(key, expected);
        try {
            TxnResult result = etcd.txn(List.of(compare), List.of(Operations.put(key, bytes(value), 0)), List.of())
                    .get(timeoutMillis(), TimeUnit.MILLISECONDS);
            return new RegisterOp(process, key, RegisterOp.Kind.CAS, value, expected, invoked, System.nanoTime(),
                    RegisterOp.Outcome.OK, Boolean.toString(result.succeeded()));
        } catch (Exception e) {
            interruptIf(e);
            return new RegisterOp(process, key, RegisterOp.Kind.CAS, value, expected, invoked, System.nanoTime(),
                    RegisterOp.Outcome.UNKNOWN, null);
        }
    }

    private long timeoutMillis() {
        return etcd.requestTimeout().toMillis() * 2;
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static void interruptIf(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the clients (each finishes its operation in flight) and returns the history. Repeatable. */
    public List<RegisterOp> stop() throws InterruptedException {
        stopped = true;
        for (Thread client : clients) {
            client.join(etcd.requestTimeout().toMillis() * 3);
        }
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
