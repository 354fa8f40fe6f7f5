package dev.baton.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.baton.etcd.Etcd;
import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TcpProxy;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * A session waiting out a backoff after failed requests tries again as soon as its connection is
 * back: each test heals the store right after the session said how long its next attempt waits
 * (at least a second), and the session must be CONNECTED before that wait would have ended. Without
 * the connection's signal, no request goes before it ends.
 */
class SessionReconnectTest {
    private static final Pattern NEXT_IN = Pattern.compile("next (?:attempt )?in (\\d+) ms");
    /** Only a wait this long is healed: the session then has it all to reconnect in. */
    private static final long LONG_WAIT_MILLIS = 1_000;

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private final Logger logger = (Logger) LoggerFactory.getLogger(Session.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Level levelBefore;

    @BeforeEach
    void recordSessionLines() {
        levelBefore = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void restoreLogging() {
        logger.detachAppender(lines);
        logger.setLevel(levelBefore);
    }

    @Test
    void aLostSessionGrantsItsNewLeaseAsSoonAsTheConnectionIsBack() {
        try (TcpProxy proxy = proxy();
             Etcd etcd = Etcd.builder().endpoints(proxy.endpoint()).requestTimeout(Duration.ofSeconds(1)).build();
             Session session = Session.builder(etcd).ttl(Duration.ofSeconds(2)).open()) {
            SessionStates states = new SessionStates();
            session.addListener(states);
            long lostLease = session.lease();

            proxy.cut();
            ILoggingEvent longWait = awaitLongWait("lease grant failed");
            proxy.heal();

            await().atMost(Duration.ofSeconds(30)).until(() -> session.state() == SessionState.CONNECTED
                    && session.lease() != lostLease);
            assertThat(reachableAgainAt()).isLessThan(longWait.getTimeStamp() + waitMillis(longWait));
        }
    }

    @Test
    void aSuspendedSessionSendsItsKeepAliveAsSoonAsTheConnectionIsBack() {
        try (TcpProxy proxy = proxy();
             Etcd etcd = Etcd.builder().endpoints(proxy.endpoint()).requestTimeout(Duration.ofSeconds(1)).build();
             Session session = Session.builder(etcd).ttl(Duration.ofSeconds(30)).open()) {
            long lease = session.lease();

            proxy.cut();
            ILoggingEvent longWait = awaitLongWait("keep-alive of lease");
            proxy.heal();

            await().atMost(Duration.ofSeconds(30)).until(() -> session.state() == SessionState.CONNECTED);
            assertThat(session.lease()).isEqualTo(lease);
            long connectedAgainAt = lines.list.stream()
                    .filter(line -> line.getFormattedMessage().contains("keep-alive acknowledged again"))
                    .mapToLong(ILoggingEvent::getTimeStamp).findFirst().orElseThrow();
            assertThat(connectedAgainAt).isLessThan(longWait.getTimeStamp() + waitMillis(longWait));
        }
    }

    private static TcpProxy proxy() {
        URI target = URI.create(ETCD.endpoint());
        return TcpProxy.start(target.getHost(), target.getPort());
    }

    /** The first line of {@code kind} announcing a wait of at least a second. */
    private ILoggingEvent awaitLongWait(String kind) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(() -> lines.list.stream()
                        .filter(line -> line.getFormattedMessage().startsWith(kind))
                        .filter(line -> waitMillis(line) >= LONG_WAIT_MILLIS)
                        .findFirst(), Optional::isPresent).orElseThrow();
    }

    private long reachableAgainAt() {
        return lines.list.stream().filter(line -> line.getFormattedMessage().contains("reachable again"))
                .mapToLong(ILoggingEvent::getTimeStamp).findFirst().orElseThrow();
    }

    private static long waitMillis(ILoggingEvent line) {
        Matcher matcher = NEXT_IN.matcher(line.getFormattedMessage());
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }
}
