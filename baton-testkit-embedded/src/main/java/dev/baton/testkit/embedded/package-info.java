/**
 * Tests on Baton's embedded etcd-compatible server, with no etcd binary:
 * {@link dev.baton.testkit.embedded.EmbeddedEtcdExtension} runs one server per test class or per
 * test method, in memory or on a temporary directory, closes what a test registered before the
 * server stops, and gives each test a namespace of its own. It shares its lifecycle with
 * baton-testkit's {@code EtcdExtension}, which runs a real etcd process instead.
 */
package dev.baton.testkit.embedded;
