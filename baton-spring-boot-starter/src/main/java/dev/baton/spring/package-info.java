/**
 * Leader-only work in a Spring application.
 *
 * <p>A {@link dev.baton.spring.LeaderOnly} method runs only in the instance that leads its
 * election; the others skip the call. Each instance campaigns with the member's session while its
 * context is started (an etcd election in the layout of {@code dev.baton.election}, at
 * {@code <baton.namespace>elections/<name>}) and resigns as the context closes, before the session
 * does, so the job moves to another instance at once; a lost session stops it before etcd can elect another. The
 * method fences its writes with {@link dev.baton.spring.CurrentLeadership#get()}. Each term is
 * published in the application context as a {@link dev.baton.spring.LeadershipEvent}: granted as it
 * starts, revoked as it ends.
 */
package dev.baton.spring;
