package dev.baton.election;

import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.Operations;
import dev.baton.etcd.RangeResult;
import dev.baton.etcd.TxnResult;
import dev.baton.session.Session;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A candidate in its own JVM, for the fault tests: it campaigns through a {@link LeaderService}
 * and, on every tick while it leads, appends the line {@code <token> <seq> <name>} to the ledger
 * key in a transaction fenced by its token (and by the ledger's mod revision, so appends never
 * overwrite each other). It prints one line per thing it does, each starting with a word:
 * {@code READY}, {@code ELECTED}, {@code ACCEPTED} (with the revision), {@code REJECTED},
 * {@code UNKNOWN} (no answer: the append may or may not have been applied), and {@code LOST}.
 *
 * <p>Arguments: {@code name endpoints prefix ttl-seconds ledger-key}.
 */
public final class LedgerCandidateMain {
    private static final Duration TICK = Duration.ofMillis(50);

    private final String name;
    private final Etcd etcd;
    private final String ledgerKey;
    private long token;
    private long seq;
    private String ledger;
    private long ledgerModRevision = -1;

    private LedgerCandidateMain(String name, Etcd etcd, String ledgerKey) {
        this.name = name;
        this.etcd = etcd;
        this.ledgerKey = ledgerKey;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: name endpoints prefix ttl-seconds ledger-key, got " + List.of(args));
        }
        String name = args[0];
        Etcd etcd = Etcd.builder().endpoints(args[1].split(",")).requestTimeout(Duration.ofSeconds(1)).build();
        Session session = Session.builder(etcd).ttl(Duration.ofSeconds(Long.parseLong(args[3]))).open();
        LedgerCandidateMain candidate = new LedgerCandidateMain(name, etcd, args[4]);
        LeaderService service = LeaderService.builder(session, args[2], name)
                .periodic(TICK, candidate::tick)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .start();
        print("READY name=" + name + " pid=" + ProcessHandle.current().pid());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            session.close();
            etcd.close();
        }, "candidate-shutdown"));
        Thread.currentThread().join();
    }

    private void tick(Leadership leadership) {
        try {
            if (leadership.token() != token) {
                token = leadership.token();
                seq = 0;
                ledgerModRevision = -1;
                print("ELECTED name=" + name + " token=" + token + " key=" + leadership.key());
                long electedToken = token;
                leadership.lost().thenAccept(reason -> print("LOST name=" + name + " token=" + electedToken + " reason=" + reason));
            }
            if (ledgerModRevision < 0) {
                RangeResult read = etcd.range(KeyRange.key(ledgerKey)).get();
                ledger = read.first().map(KeyValue::valueUtf8).orElse("");
                ledgerModRevision = read.first().map(KeyValue::modRevision).orElse(0L);
            }
            append(leadership);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            ledgerModRevision = -1;
            print("UNKNOWN name=" + name + " token=" + token + " seq=" + seq + " error=" + Etcd.unwrap(e));
        }
    }

    private void append(Leadership leadership) throws InterruptedException, ExecutionException {
        seq++;
        String appended = ledger + token + " " + seq + " " + name + "\n";
        TxnResult result;
        try {
            result = etcd.txn(List.of(leadership.fence(), Compares.modRevisionIs(ledgerKey, ledgerModRevision)),
                            List.of(Operations.put(ledgerKey, appended.getBytes(StandardCharsets.UTF_8), 0)),
                            List.of(Operations.get(ledgerKey)))
                    .get(2, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            ledgerModRevision = -1;
            print("UNKNOWN name=" + name + " token=" + token + " seq=" + seq + " error=no answer");
            return;
        }
        if (result.succeeded()) {
            ledger = appended;
            ledgerModRevision = result.revision();
            print("ACCEPTED name=" + name + " token=" + token + " seq=" + seq + " rev=" + result.revision());
            return;
        }
        List<KeyValue> current = result.gets().get(0);
        ledger = current.isEmpty() ? "" : current.get(0).valueUtf8();
        ledgerModRevision = current.isEmpty() ? 0 : current.get(0).modRevision();
        print("REJECTED name=" + name + " token=" + token + " seq=" + seq + " valid=" + leadership.isValid());
    }

    private static void print(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
