package dev.baton.lock;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.Operations;
import dev.baton.session.Session;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A mutex holder in its own JVM, for the process tests: it locks, then every tick writes the key
 * {@code <ledger>/<token>-<seq>} in a transaction fenced by its hold, whether or not it still
 * believes it holds, so the store alone decides. It prints one line per thing it does, each starting
 * with a word: {@code HELD} (with the token), {@code ACCEPTED}, {@code REJECTED}, {@code UNKNOWN}
 * (no answer) and {@code LOST}.
 *
 * <p>Arguments: {@code endpoints name ttl-seconds ledger}.
 */
public final class LedgerHolderMain {
    private static final Duration TICK = Duration.ofMillis(50);

    private LedgerHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: endpoints name ttl-seconds ledger, got " + List.of(args));
        }
        Etcd etcd = Etcd.builder().endpoints(args[0].split(",")).requestTimeout(Duration.ofSeconds(1)).build();
        Session session = Session.builder(etcd).ttl(Duration.ofSeconds(Long.parseLong(args[2]))).open();
        HeldLock held = Mutex.on(session, args[1]).lock(Duration.ofMinutes(1));
        System.out.println("HELD token=" + held.token() + " key=" + held.key());
        held.lost().thenAccept(reason -> System.out.println("LOST reason=" + reason));
        for (long seq = 0; ; seq++) {
            String entry = args[3] + "/" + held.token() + "-" + seq;
            try {
                boolean accepted = etcd.txn(List.of(held.fence()),
                        List.of(Operations.put(entry, "old".getBytes(StandardCharsets.UTF_8), 0)), List.of()).get().succeeded();
                System.out.println((accepted ? "ACCEPTED " : "REJECTED ") + entry);
            } catch (Exception e) {
                System.out.println("UNKNOWN " + entry + " " + e);
            }
            Thread.sleep(TICK.toMillis());
        }
    }
}
