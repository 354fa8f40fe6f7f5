package dev.baton.lock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.etcd.KeyValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** What any snapshot of contenders admits: never too many holders, always the oldest, never a writer with company. */
class AdmissionPropertyTest {

    /** Contenders created in the given order, one revision apart; {@code true} makes a writer. */
    private static List<KeyValue> readWriteContenders(List<Boolean> writers) {
        List<KeyValue> contenders = new ArrayList<>();
        for (int i = 0; i < writers.size(); i++) {
            String key = "l/" + (writers.get(i) ? "write/" : "read/") + i;
            contenders.add(new KeyValue(key, new byte[0], 10 + i, 10 + i, 1, 7));
        }
        return contenders;
    }

    private static List<KeyValue> holders(List<KeyValue> contenders, Admission forWriters, Admission forReaders) {
        return contenders.stream()
                .filter(kv -> {
                    Admission admission = kv.key().startsWith("l/write/") ? forWriters : forReaders;
                    return admission.holds(admission.blockers(contenders, kv.createRevision()).size());
                })
                .toList();
    }

    @Property
    void aSemaphoreAdmitsExactlyItsOldestPermits(@ForAll @IntRange(max = 40) int arrivals,
                                                @ForAll @IntRange(min = 1, max = 10) int permits) {
        Admission semaphore = new Admission("l/", permits);
        List<KeyValue> contenders = readWriteContenders(Collections.nCopies(arrivals, true));

        List<KeyValue> holders = holders(contenders, semaphore, semaphore);

        assertThat(holders).hasSize(Math.min(permits, contenders.size()));
        assertThat(holders).isEqualTo(contenders.stream()
                .sorted(Comparator.comparingLong(KeyValue::createRevision)).limit(permits).toList());
    }

    @Property
    void aWriterNeverHoldsWithAnyoneElseAndReadersBeforeTheFirstWriterAllHold(@ForAll @Size(max = 40) List<Boolean> writers) {
        List<KeyValue> contenders = readWriteContenders(writers);

        List<KeyValue> holders = holders(contenders, new Admission("l/", 1), new Admission("l/write/", 1));

        if (holders.stream().anyMatch(kv -> kv.key().startsWith("l/write/"))) {
            assertThat(holders).hasSize(1);
        }
        int firstWriter = writers.indexOf(true);
        int leadingReaders = firstWriter < 0 ? writers.size() : firstWriter;
        if (leadingReaders > 0) {
            assertThat(holders).hasSize(leadingReaders).allMatch(kv -> kv.key().startsWith("l/read/"));
        } else if (!writers.isEmpty()) {
            assertThat(holders).extracting(KeyValue::key).containsExactly("l/write/0");
        }
    }
}
