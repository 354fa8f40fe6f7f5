package dev.baton.election;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Watch;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The record of the ledger key that {@link LedgerCandidateMain} leaders append to: every accepted
 * append, in store order, taken from a watch that started before the first one (a watch never
 * misses a revision). The store's order is the authority: what a candidate printed is checked
 * against it, not the other way round.
 */
final class Ledger implements WatchListener, AutoCloseable {
    record Entry(long token, long seq, String name, long revision) {
    }

    private static final Pattern ACCEPTED = Pattern.compile("^ACCEPTED name=(\\S+) token=(\\d+) seq=(\\d+) rev=(\\d+)");

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final Watch watch;

    private Ledger(Etcd etcd, String key, long fromRevision) {
        this.watch = etcd.watch(KeyRange.key(key), fromRevision, this);
    }

    /** Starts recording {@code key}, which must not exist yet. */
    static Ledger record(Etcd etcd, String key) throws Exception {
        return new Ledger(etcd, key, etcd.range(KeyRange.key(key)).get().revision() + 1);
    }

    @Override
    public void onEvents(List<WatchEvent> events) {
        for (WatchEvent event : events) {
            String[] lines = event.kv().valueUtf8().split("\n");
            String[] last = lines[lines.length - 1].split(" ");
            entries.add(new Entry(Long.parseLong(last[0]), Long.parseLong(last[1]), last[2], event.modRevision()));
        }
    }

    @Override
    public void onCompacted(long compactRevision) {
        throw new IllegalStateException("nothing compacts the test's etcd, yet the ledger watch reported " + compactRevision);
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    long entriesOf(long token) {
        return entries.stream().filter(entry -> entry.token() == token).count();
    }

    /** The store revision of the first accepted append under {@code token}. */
    long firstRevisionOf(long token) {
        return entries.stream().filter(entry -> entry.token() == token).mapToLong(Entry::revision).min()
                .orElseThrow(() -> new AssertionError("no append under token " + token + " in " + entries));
    }

    /**
     * The safety invariant: in store order the tokens never decrease (so two leaders' appends never
     * interleave and every new leader's token is higher), each token is one candidate's, and its
     * sequence numbers increase. Every append a candidate printed as ACCEPTED is in the record.
     */
    void assertSafe(Map<String, List<String>> printedByCandidate) {
        List<Entry> all = entries();
        assertThat(all).as("ledger appends").isNotEmpty();
        Map<Long, Entry> lastOfToken = new HashMap<>();
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).token()).as("token of append %s after %s", all.get(i), all.get(i - 1))
                    .isGreaterThanOrEqualTo(all.get(i - 1).token());
        }
        for (Entry entry : all) {
            Entry previous = lastOfToken.put(entry.token(), entry);
            if (previous != null) {
                assertThat(entry.name()).as("candidate of token %d", entry.token()).isEqualTo(previous.name());
                assertThat(entry.seq()).as("sequence under token %d", entry.token()).isGreaterThan(previous.seq());
            }
        }
        List<Entry> printed = new ArrayList<>();
        printedByCandidate.values().forEach(lines -> lines.forEach(line -> {
            Matcher m = ACCEPTED.matcher(line);
            if (m.find()) {
                printed.add(new Entry(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), m.group(1),
                        Long.parseLong(m.group(4))));
            }
        }));
        assertThat(all).as("appends the store accepted").containsAll(printed);
    }

    @Override
    public void close() {
        watch.close();
    }
}
