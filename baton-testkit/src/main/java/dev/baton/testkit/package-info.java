/**
 * Test fixtures for code that runs on etcd: real etcd processes and clusters, faults on demand,
 * and separate JVMs to kill.
 *
 * <p>Model: every fixture owns exactly the processes, sockets and temporary directories it
 * created, and {@code close()} releases all of them; it is idempotent and bounded in time.
 * Ports are free loopback ports picked at start, so fixtures of builds running side by side do
 * not collide. Fault tools act on one process id or one proxy: {@code SIGKILL},
 * {@code SIGTERM}, {@code SIGSTOP}/{@code SIGCONT}, and a TCP proxy that cuts or freezes
 * connections. A JVM shutdown hook kills whatever a fixture started and did not close.
 *
 * <p>Entry points: {@link dev.baton.testkit.EtcdProcess}, {@link dev.baton.testkit.EtcdCluster},
 * {@link dev.baton.testkit.TcpProxy}, {@link dev.baton.testkit.ChildJvm},
 * {@link dev.baton.testkit.Etcdctl} and the JUnit 5 extensions
 * {@link dev.baton.testkit.EtcdExtension} and {@link dev.baton.testkit.EtcdClusterExtension};
 * {@link dev.baton.testkit.FuzzRun} sets the budget and seed of jqwik fuzz properties.
 * The etcd binary comes from {@code $BATON_ETCD}, else {@code etcd} on {@code PATH}.
 */
package dev.baton.testkit;
