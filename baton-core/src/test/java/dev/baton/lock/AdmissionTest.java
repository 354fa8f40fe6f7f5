package dev.baton.lock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.etcd.KeyValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    private static KeyValue contender(String key, long createRevision) {
        return new KeyValue(key, new byte[0], createRevision, createRevision, 1, 7);
    }

    private static final List<KeyValue> MIXED = List.of(
            contender("l/read/a-1", 10), contender("l/write/b-2", 12), contender("l/read/c-3", 14), contender("l/write/d-4", 16));

    @Test
    void theOldestContenderOfAMutexHoldsAndTheOthersWaitBehindEveryOlderOne() {
        Admission mutex = new Admission("l/", 1);
        List<KeyValue> contenders = List.of(contender("l/c", 30), contender("l/a", 10), contender("l/b", 20));

        assertThat(mutex.holds(mutex.blockers(contenders, 10).size())).isTrue();
        assertThat(mutex.blockers(contenders, 30)).extracting(KeyValue::key).containsExactly("l/a", "l/b");
        assertThat(mutex.holds(mutex.blockers(contenders, 30).size())).isFalse();
        assertThat(mutex.watchesNearestOnly()).isTrue();
    }

    @Test
    void aReaderIsBlockedOnlyByOlderWriters() {
        Admission reader = new Admission("l/write/", 1);

        assertThat(reader.blockers(MIXED, 10)).isEmpty();
        assertThat(reader.blockers(MIXED, 14)).extracting(KeyValue::key).containsExactly("l/write/b-2");
    }

    @Test
    void aWriterIsBlockedByEveryOlderKeyOfEitherKind() {
        Admission writer = new Admission("l/", 1);

        assertThat(writer.blockers(MIXED, 16)).extracting(KeyValue::key)
                .containsExactly("l/read/a-1", "l/write/b-2", "l/read/c-3");
    }

    @Test
    void aSemaphoreAdmitsTheOldestPermitsAndWatchesEveryDeletion() {
        Admission semaphore = new Admission("s/", 2);
        List<KeyValue> contenders = List.of(contender("s/a", 1), contender("s/b", 2), contender("s/c", 3));

        assertThat(semaphore.holds(semaphore.blockers(contenders, 2).size())).isTrue();
        assertThat(semaphore.holds(semaphore.blockers(contenders, 3).size())).isFalse();
        assertThat(semaphore.watchesNearestOnly()).isFalse();
    }
}
