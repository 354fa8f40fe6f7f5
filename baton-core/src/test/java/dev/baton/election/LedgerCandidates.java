package dev.baton.election;

import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.testkit.ChildJvm;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Candidates of one election, each a {@link LedgerCandidateMain} in its own JVM, and the
 * {@link Ledger} their leaders append to.
 */
final class LedgerCandidates implements AutoCloseable {
    private final String prefix;
    private final String ledgerKey;
    private final Ledger ledger;
    private final Map<String, ChildJvm> children = new LinkedHashMap<>();

    private LedgerCandidates(String prefix, String ledgerKey, Ledger ledger) {
        this.prefix = prefix;
        this.ledgerKey = ledgerKey;
        this.ledger = ledger;
    }

    /** An election named {@code prefix}; its ledger is the key {@code ledgers/<prefix>}. */
    static LedgerCandidates of(Etcd direct, String prefix) throws Exception {
        String ledgerKey = "ledgers/" + prefix;
        return new LedgerCandidates(prefix, ledgerKey, Ledger.record(direct, ledgerKey));
    }

    /** Starts candidate {@code name} connected to {@code endpoints} with a session of {@code ttlSeconds}. */
    ChildJvm start(String name, String endpoints, int ttlSeconds) {
        ChildJvm child = ChildJvm.builder(LedgerCandidateMain.class)
                .jvmArgs("-Xmx128m")
                .args(name, endpoints, prefix, Integer.toString(ttlSeconds), ledgerKey)
                .start();
        children.put(name, child);
        return child;
    }

    ChildJvm get(String name) {
        return children.get(name);
    }

    Ledger ledger() {
        return ledger;
    }

    /**
     * Waits until one leader with a token above {@code afterToken} has {@code count} accepted
     * appends, and returns the latest of them.
     */
    Ledger.Entry awaitAppends(int count, long afterToken, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> ledger.entries().stream()
                .anyMatch(entry -> entry.token() > afterToken && ledger.entriesOf(entry.token()) >= count));
        long token = ledger.entries().stream().filter(entry -> entry.token() > afterToken)
                .filter(entry -> ledger.entriesOf(entry.token()) >= count).findFirst().orElseThrow().token();
        List<Ledger.Entry> ofToken = ledger.entries().stream().filter(entry -> entry.token() == token).toList();
        return ofToken.get(ofToken.size() - 1);
    }

    /** The key the candidate {@code name} printed when it was elected under {@code token}. */
    String candidateKey(String name, long token) {
        String elected = children.get(name).awaitLine(line -> line.startsWith("ELECTED ") && line.contains(" token=" + token + " "),
                Duration.ofSeconds(10));
        return elected.substring(elected.indexOf(" key=") + 5);
    }

    /** Every line each candidate printed so far, by name. */
    Map<String, List<String>> printed() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        children.forEach((name, child) -> out.put(name, child.lines()));
        return out;
    }

    /** Kills every candidate still running. */
    void stopAll() {
        children.values().forEach(ChildJvm::close);
    }

    @Override
    public void close() {
        stopAll();
        ledger.close();
    }
}
