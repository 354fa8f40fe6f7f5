package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** The parent command's contract: help, usage errors with exit code 2, the server's flags, where logs go. */
class BatonCommandTest {

    @Test
    void grpcsJavaUtilLoggingGoesToLogbackAtTheLevelLogbackXmlSets() {
        BatonCommand.sendJavaUtilLoggingToSlf4j();
        LoggerFactory.getLogger(BatonCommandTest.class);

        Logger grpc = Logger.getLogger("io.grpc.netty");
        assertThat(Logger.getLogger("").getHandlers()).singleElement().isInstanceOf(SLF4JBridgeHandler.class);
        assertThat(grpc.isLoggable(Level.INFO)).isFalse();
        assertThat(grpc.isLoggable(Level.WARNING)).isTrue();
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                Arguments.of(new String[] {}, "Missing required subcommand"),
                Arguments.of(new String[] {"--bogus"}, "Unknown option: '--bogus'"),
                Arguments.of(new String[] {"frobnicate"}, "Unmatched argument at index 0: 'frobnicate'"),
                Arguments.of(new String[] {"server"}, "Error: Missing required argument (specify one of these):"
                        + " (--data-dir=DIR | --in-memory)"),
                Arguments.of(new String[] {"server", "--in-memory", "--data-dir", "d"}, "mutually exclusive"),
                Arguments.of(new String[] {"server", "--in-memory", "--listen", "nope"},
                        "Invalid value for option '--listen': expected HOST:PORT, got 'nope'"),
                Arguments.of(new String[] {"server", "--in-memory", "--listen", "h:99999"},
                        "the port of 'h:99999' is not within 0..65535"),
                Arguments.of(new String[] {"watch", "--endpoints", "ftp://h:1"}, "has scheme \"ftp\""),
                Arguments.of(new String[] {"watch", "--endpoints", "h:1,"}, "endpoint must not be blank"),
                Arguments.of(new String[] {"watch", "--namespace", "/x"}, "a namespace is one or more key segments"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("usageErrors")
    void badUsageExitsWithTwoAndPrintsTheUsage(String[] args, String message) {
        InProcessRun run = InProcessRun.baton(args);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(message).contains("Usage: baton");
    }

    static Stream<Arguments> helpRequests() {
        return Stream.of(
                Arguments.of((Object) new String[] {"--help"}),
                Arguments.of((Object) new String[] {"help", "server"}),
                Arguments.of((Object) new String[] {"server", "--help"}));
    }

    @ParameterizedTest
    @MethodSource("helpRequests")
    void helpExitsWithZero(String[] args) {
        InProcessRun run = InProcessRun.baton(args);
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: baton");
    }

    @ParameterizedTest
    @MethodSource("listenAddresses")
    void listenAddressesAreParsed(String text, String host, int port) {
        assertThat(HostAndPort.parse(text)).isEqualTo(new HostAndPort(host, port));
    }

    static Stream<Arguments> listenAddresses() {
        return Stream.of(
                Arguments.of("127.0.0.1:2379", "127.0.0.1", 2379),
                Arguments.of("0.0.0.0:0", "0.0.0.0", 0),
                Arguments.of("[::1]:2379", "::1", 2379),
                Arguments.of("localhost:1", "localhost", 1));
    }
}
