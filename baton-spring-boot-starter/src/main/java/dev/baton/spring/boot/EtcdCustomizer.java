package dev.baton.spring.boot;

import dev.baton.etcd.Etcd;

/**
 * Changes the {@link Etcd} connection the starter builds, for what has no property: a request
 * timeout, a callback executor. Every customizer bean is applied, in
 * {@link org.springframework.core.annotation.Order} order, after the {@code baton.*} properties,
 * to the connection to {@code baton.endpoints} and to the embedded server alike.
 */
@FunctionalInterface
public interface EtcdCustomizer {
    void customize(Etcd.Builder etcd);
}
