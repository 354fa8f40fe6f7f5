package dev.baton.spring;

import dev.baton.election.LeaderService;
import dev.baton.election.Leadership;
import dev.baton.session.Session;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds {@link LeaderOnly} methods on beans, campaigns in one {@link LeaderService} per election
 * name, and proxies the beans so that those methods run only while this instance leads. The
 * campaigns start as the context starts, in the last phase (before {@code @Scheduled} methods
 * are first called), and end in the first phase as the context closes, before the session closes:
 * a leader resigns, so another instance leads at once. Each term is published in the context as a
 * {@link LeadershipEvent.Granted} and, as it ends, a {@link LeadershipEvent.Revoked}.
 */
public final class LeaderOnlyMethods implements BeanPostProcessor, SmartLifecycle, DisposableBean,
        ApplicationEventPublisherAware {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderOnlyMethods.class);

    private final Supplier<Session> session;
    private final Supplier<String> namespace;
    private final Supplier<String> member;
    private final String defaultName;
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    private final Map<String, LeaderService> services = new ConcurrentHashMap<>();
    private volatile boolean running;
    private volatile ApplicationEventPublisher events = event -> { };

    /**
     * @param session the member's session, looked up when the campaigns start
     * @param namespace the key prefix under which elections live, at {@code <namespace>elections/<name>};
     *     looked up then too
     * @param member the value this instance campaigns with, which the elections show as their leader;
     *     looked up then too
     * @param defaultName the election name of a {@link LeaderOnly} without one
     */
    public LeaderOnlyMethods(Supplier<Session> session, Supplier<String> namespace, Supplier<String> member,
            String defaultName) {
        this.session = session;
        this.namespace = namespace;
        this.member = member;
        this.defaultName = defaultName;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> type = AopUtils.getTargetClass(bean);
        Map<Method, String> elections = new ConcurrentHashMap<>();
        ReflectionUtils.doWithMethods(type, method -> {
            LeaderOnly annotation = AnnotatedElementUtils.findMergedAnnotation(method, LeaderOnly.class);
            if (annotation == null) {
                return;
            }
            if (method.getReturnType() != void.class) {
                throw new IllegalStateException("@LeaderOnly method " + type.getName() + "." + method.getName()
                        + " must return void: it does not run in the instances that do not lead");
            }
            String name = annotation.value().isEmpty() ? defaultName : annotation.value();
            if (name == null || name.isEmpty()) {
                throw new IllegalStateException("@LeaderOnly without an election name needs spring.application.name");
            }
            elections.put(method, name);
        });
        if (elections.isEmpty()) {
            return bean;
        }
        names.addAll(elections.values());
        ProxyFactory proxy = new ProxyFactory(bean);
        proxy.setProxyTargetClass(true);
        proxy.addAdvice((MethodInterceptor) invocation -> {
            String name = elections.get(AopUtils.getMostSpecificMethod(invocation.getMethod(), type));
            if (name == null) {
                return invocation.proceed();
            }
            Optional<Leadership> leadership = election(name).flatMap(LeaderService::leadership);
            if (leadership.isEmpty()) {
                return null;
            }
            Leadership previous = CurrentLeadership.swap(leadership.get());
            try {
                return invocation.proceed();
            } finally {
                CurrentLeadership.swap(previous);
            }
        });
        return proxy.getProxy(type.getClassLoader());
    }

    /** The name of each election a {@link LeaderOnly} method names. */
    public Set<String> electionNames() {
        return Set.copyOf(names);
    }

    /**
     * The campaign in election {@code name} while the context is started: whether this instance
     * leads, its leadership, the election to observe the leader of.
     */
    public Optional<LeaderService> election(String name) {
        return Optional.ofNullable(services.get(name));
    }

    @Override
    public void setApplicationEventPublisher(ApplicationEventPublisher events) {
        this.events = events;
    }

    @Override
    public synchronized void start() {
        String member = this.member.get();
        for (String name : names) {
            services.computeIfAbsent(name, n -> LeaderService.builder(session.get(), namespace.get() + "elections/" + n, member)
                    .longRunning(leadership -> {
                        publish(new LeadershipEvent.Granted(this, n, member, leadership));
                        try {
                            leadership.lost().get();
                        } finally {
                            publish(new LeadershipEvent.Revoked(this, n, member, leadership));
                        }
                    })
                    .start());
        }
        running = true;
    }

    /** Tells the context's listeners; one that throws must not end the term, which would resign. */
    private void publish(LeadershipEvent event) {
        try {
            events.publishEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("a listener of {} failed", event, e);
        }
    }

    /** Stops every campaign, while the session is still open; one that leads resigns. */
    @Override
    public synchronized void stop() {
        running = false;
        services.values().forEach(LeaderService::close);
        services.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** The last phase to start and the first to stop. */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE;
    }

    /** For a context whose start failed after the campaigns started, which stops no lifecycle. */
    @Override
    public void destroy() {
        stop();
    }
}
