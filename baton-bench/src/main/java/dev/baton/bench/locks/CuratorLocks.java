package dev.baton.bench.locks;

import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** Apache Curator's {@link InterProcessMutex} on ZooKeeper: one client and session per lock client. */
final class CuratorLocks implements LockSystem {
    private final String connectString;

    CuratorLocks(String connectString) {
        this.connectString = connectString;
    }

    @Override
    public String displayName() {
        return "Curator InterProcessMutex";
    }

    @Override
    public LockClient client(String name) throws Exception {
        int sessionMillis = (int) LocksScenario.SESSION_TTL.toMillis();
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(sessionMillis)
                .connectionTimeoutMs(sessionMillis)
                .retryPolicy(new ExponentialBackoffRetry(100, 5))
                .build();
        client.start();
        if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
            client.close();
            throw new IllegalStateException("no connection to ZooKeeper at " + connectString);
        }
        InterProcessMutex mutex = new InterProcessMutex(client, "/" + name);
        return new LockClient() {
            @Override
            public void lock() throws Exception {
                mutex.acquire();
            }

            @Override
            public void unlock() throws Exception {
                mutex.release();
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }
}
