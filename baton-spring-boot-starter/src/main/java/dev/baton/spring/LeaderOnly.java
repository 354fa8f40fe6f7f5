package dev.baton.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a {@code void} bean method only in the instance that currently leads the named election;
 * in every other instance a call returns at once without running it. Meant for
 * {@code @Scheduled} methods: every instance schedules the job, one runs it.
 *
 * <p>Each instance campaigns from the moment the context has started until it closes (which
 * resigns, so another instance takes over at once); before the campaign starts a call returns at
 * once, as in an instance that does not lead; an instance whose session is lost stops
 * running the method before etcd can elect another. While the method runs,
 * {@link CurrentLeadership#get()} gives the leadership, whose {@code fence()} guards the method's
 * writes: a call that outlives its leadership cannot write.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface LeaderOnly {
    /** The election's name; default: {@code spring.application.name}. */
    String value() default "";
}
