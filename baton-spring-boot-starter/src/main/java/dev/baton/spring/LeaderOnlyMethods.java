package dev.baton.spring;

import dev.baton.election.LeaderService;
import dev.baton.election.Leadership;
import dev.baton.session.Session;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds {@link LeaderOnly} methods on beans, campaigns in one {@link LeaderService} per election
 * name, and proxies the beans so that those methods run only while this instance leads. The
 * campaigns end as the context starts closing, before the session closes: a leader resigns, so
 * another instance leads at once.
 */
public final class LeaderOnlyMethods implements BeanPostProcessor, ApplicationListener<ContextClosedEvent>,
        DisposableBean {
    private final Supplier<Session> session;
    private final Supplier<String> namespace;
    private final String defaultName;
    private final Map<String, LeaderService> services = new ConcurrentHashMap<>();

    /**
     * @param session the member's session, looked up when the first {@link LeaderOnly} bean appears
     * @param namespace the key prefix under which elections live, at {@code <namespace>elections/<name>};
     *     looked up then too
     * @param defaultName the election name of a {@link LeaderOnly} without one
     */
    public LeaderOnlyMethods(Supplier<Session> session, Supplier<String> namespace, String defaultName) {
        this.session = session;
        this.namespace = namespace;
        this.defaultName = defaultName;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> type = AopUtils.getTargetClass(bean);
        Map<Method, LeaderService> elections = new ConcurrentHashMap<>();
        ReflectionUtils.doWithMethods(type, method -> {
            LeaderOnly annotation = AnnotatedElementUtils.findMergedAnnotation(method, LeaderOnly.class);
            if (annotation == null) {
                return;
            }
            if (method.getReturnType() != void.class) {
                throw new IllegalStateException("@LeaderOnly method " + type.getName() + "." + method.getName()
                        + " must return void: it does not run in the instances that do not lead");
            }
            elections.put(method, service(annotation.value().isEmpty() ? defaultName : annotation.value()));
        });
        if (elections.isEmpty()) {
            return bean;
        }
        ProxyFactory proxy = new ProxyFactory(bean);
        proxy.setProxyTargetClass(true);
        proxy.addAdvice((MethodInterceptor) invocation -> {
            LeaderService service = elections.get(AopUtils.getMostSpecificMethod(invocation.getMethod(), type));
            if (service == null) {
                return invocation.proceed();
            }
            Optional<Leadership> leadership = service.leadership();
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

    /**
     * The campaign of each election a {@link LeaderOnly} method names, by name: whether this
     * instance leads, its leadership, the election to observe the leader of.
     */
    public Map<String, LeaderService> elections() {
        return Map.copyOf(services);
    }

    private LeaderService service(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalStateException("@LeaderOnly without an election name needs spring.application.name");
        }
        return services.computeIfAbsent(name, n -> LeaderService.builder(session.get(), namespace.get() + "elections/" + n,
                        ManagementFactory.getRuntimeMXBean().getName())
                .longRunning(leadership -> leadership.lost().get())
                .start());
    }

    /** Stops every campaign, while the session is still open; one that leads resigns. */
    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        services.values().forEach(LeaderService::close);
    }

    /** For a context that failed to start, which closes no event: the same, closing twice is harmless. */
    @Override
    public void destroy() {
        services.values().forEach(LeaderService::close);
    }
}
