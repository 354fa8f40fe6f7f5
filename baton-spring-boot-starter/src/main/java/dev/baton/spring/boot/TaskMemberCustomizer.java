package dev.baton.spring.boot;

import dev.baton.tasks.TaskMember;
import dev.baton.tasks.TaskMemberBuilder;

/**
 * Changes the application's {@link TaskMember} before it joins, for what has no property: a
 * {@link dev.baton.tasks.Balancer}, a {@link dev.baton.tasks.RetryPolicy}, a clock. Every
 * customizer bean is applied, in {@link org.springframework.core.annotation.Order} order, after
 * the {@code baton.tasks.*} properties and the handler.
 */
@FunctionalInterface
public interface TaskMemberCustomizer {
    void customize(TaskMemberBuilder member);
}
