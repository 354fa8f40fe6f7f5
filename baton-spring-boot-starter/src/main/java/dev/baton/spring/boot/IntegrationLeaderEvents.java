package dev.baton.spring.boot;

import dev.baton.election.Leadership;
import dev.baton.spring.LeadershipEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.LeaderEventPublisher;

/**
 * Publishes each {@link LeadershipEvent} again as Spring Integration's {@code OnGrantedEvent} or
 * {@code OnRevokedEvent}, with the election's name as the role, so that listeners written for
 * Spring Integration's leader initiators (and its {@code SmartLifecycleRoleController}) follow
 * Baton's elections. The event's {@link Context} yields by resigning: the instance campaigns again
 * after its backoff.
 */
public final class IntegrationLeaderEvents implements ApplicationListener<LeadershipEvent> {
    private final LeaderEventPublisher publisher;

    public IntegrationLeaderEvents(LeaderEventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void onApplicationEvent(LeadershipEvent event) {
        Context context = new TermContext(event.leadership(), event.election());
        if (event instanceof LeadershipEvent.Granted) {
            publisher.publishOnGranted(event.getSource(), context, event.election());
        } else {
            publisher.publishOnRevoked(event.getSource(), context, event.election());
        }
    }

    /** One term, as Spring Integration's listeners see it. */
    private record TermContext(Leadership leadership, String role) implements Context {
        @Override
        public boolean isLeader() {
            return leadership.isValid();
        }

        @Override
        public void yield() {
            leadership.resign();
        }

        @Override
        public String getRole() {
            return role;
        }
    }
}
