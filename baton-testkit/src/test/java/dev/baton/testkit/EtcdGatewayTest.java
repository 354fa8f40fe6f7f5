package dev.baton.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EtcdGatewayTest {

    static Stream<Arguments> statusResponses() {
        return Stream.of(
                Arguments.of("leader, as etcd 3.4 writes it",
                        "{\"header\":{\"cluster_id\":\"15118495548433857066\",\"member_id\":\"42\",\"revision\":\"1\","
                                + "\"raft_term\":\"2\"},\"version\":\"3.4.23\",\"leader\":\"42\",\"raftTerm\":\"2\"}",
                        Optional.of(new EtcdGateway.MemberStatus("42", "42", 2))),
                Arguments.of("follower",
                        "{\"header\":{\"member_id\":\"7\",\"raft_term\":\"5\"},\"leader\":\"42\"}",
                        Optional.of(new EtcdGateway.MemberStatus("7", "42", 5))),
                Arguments.of("numbers without quotes",
                        "{\"header\": {\"member_id\": 7, \"raft_term\": 5}, \"leader\": 7}",
                        Optional.of(new EtcdGateway.MemberStatus("7", "7", 5))),
                Arguments.of("no leader field", "{\"header\":{\"member_id\":\"7\"}}", Optional.empty()),
                Arguments.of("no header", "{\"leader\":\"7\"}", Optional.empty()),
                Arguments.of("not json", "upstream connect error", Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statusResponses")
    void parsesTheStatusFieldsItNeeds(String description, String json, Optional<EtcdGateway.MemberStatus> expected) {
        assertThat(EtcdGateway.parseStatus(json)).isEqualTo(expected);
    }
}
