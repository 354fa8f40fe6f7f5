package dev.baton.lock;

import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Semaphore holders in their own JVM: {@code holders} threads, each with its own {@link Semaphore}
 * object on this JVM's session, acquire a permit {@code rounds} times and, while holding it, append
 * {@code start <id>} and then {@code end <id>} to the markers file. Prints {@code DONE} at the end.
 *
 * <p>Arguments: {@code endpoints name permits holders rounds markers-file id}.
 */
public final class SemaphoreHolderMain {
    private SemaphoreHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            throw new IllegalArgumentException("usage: endpoints name permits holders rounds markers-file id, got " + List.of(args));
        }
        Etcd etcd = Etcd.builder().endpoints(args[0].split(",")).requestTimeout(Duration.ofSeconds(2)).build();
        Session session = Session.builder(etcd).ttl(Duration.ofSeconds(5)).open();
        int rounds = Integer.parseInt(args[4]);
        Path markers = Path.of(args[5]);
        List<Thread> threads = new ArrayList<>();
        for (int h = 0; h < Integer.parseInt(args[3]); h++) {
            Semaphore semaphore = Semaphore.on(session, args[1], Integer.parseInt(args[2]));
            String id = args[6] + "-" + h;
            Thread thread = new Thread(() -> {
                try {
                    for (int round = 0; round < rounds; round++) {
                        HeldLock permit = semaphore.acquire(Duration.ofMinutes(1));
                        append(markers, "start " + id);
                        Thread.sleep(30);
                        append(markers, "end " + id);
                        permit.release().get();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "holder-" + id);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.println("DONE");
        session.close();
        etcd.close();
    }

    private static synchronized void append(Path markers, String line) throws Exception {
        Files.writeString(markers, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
