package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A store that cannot take writes is explained in one line; other unavailability is not. */
class AccessFailureTest {

    private static final StoreSettings SETTINGS = StoreSettings.resolve(
            new StoreSettings.Flags("http://127.0.0.1:2379", null, null, null, null, null, null), Map.of(),
            StoreConfig.none());

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("the embedded server on a full disk",
                        Status.UNAVAILABLE.withDescription("baton: the write-ahead log failed: No space left on device"),
                        Optional.of("the store at http://127.0.0.1:2379 cannot write: the write-ahead log failed: No "
                                + "space left on device; it refuses writes until space returns on its disk, then takes them "
                                + "again; reads still work")),
                Arguments.of("etcd past its space quota",
                        Status.RESOURCE_EXHAUSTED.withDescription("etcdserver: mvcc: database space exceeded"),
                        Optional.of("the store at http://127.0.0.1:2379 is out of space (its NOSPACE alarm is raised):"
                                + " it refuses writes until space is freed (compact, defragment) and the alarm is "
                                + "disarmed (etcdctl alarm disarm); reads still work")),
                Arguments.of("a member without a leader", Status.UNAVAILABLE.withDescription("etcdserver: no leader"),
                        Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void explainsWhatTheOperatorCanFix(String story, Status status, Optional<String> expected) {
        Throwable error = new RuntimeException("submit failed", status.asRuntimeException());

        assertThat(AccessFailure.explain(error, SETTINGS)).isEqualTo(expected);
    }
}
