package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.etcd.KeyValue;
import dev.baton.etcd.TxnResult;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How a member reads the answer to its create-if-absent registration. A repeat of a registration
 * whose first answer was lost (a timeout after the write landed) finds the key on its own lease:
 * that is a registration, not a conflict, or the member would retry for ever while the fleet
 * counts it as live.
 */
class MemberRegistrationTest {
    private static final long LEASE = 0x42;

    static Stream<Arguments> answers() {
        KeyValue ours = new KeyValue("ns/members/m", new byte[0], 17, 17, 1, LEASE);
        KeyValue theirs = new KeyValue("ns/members/m", new byte[0], 9, 9, 1, 0x99);
        return Stream.of(
                Arguments.of("written by this transaction", new TxnResult(true, 30, List.of()), OptionalLong.of(30)),
                Arguments.of("found on our lease: an earlier attempt landed", new TxnResult(false, 30,
                        List.of(List.of(ours))), OptionalLong.of(17)),
                Arguments.of("held on another lease", new TxnResult(false, 30, List.of(List.of(theirs))),
                        OptionalLong.empty()),
                Arguments.of("refused, and gone by the time it was read", new TxnResult(false, 30, List.of(List.of())),
                        OptionalLong.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void theRegistrationIsTheKeysCreateRevisionWhenTheKeyIsOnOurLease(String what, TxnResult answer,
                                                                        OptionalLong registration) {
        assertThat(Registration.registrationOn(answer, LEASE)).isEqualTo(registration);
    }
}
