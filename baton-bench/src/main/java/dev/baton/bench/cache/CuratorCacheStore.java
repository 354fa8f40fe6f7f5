package dev.baton.bench.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ZKConfig;

/**
 * Apache Curator's {@link CuratorCache} on ZooKeeper: a key {@code prefix + name} is the znode
 * {@code /prefix/name}, all of a prefix's keys children of one parent, as the etcd keys are under
 * one prefix. The client accepts packets up to {@link ZooKeeperProcess#MAX_PACKET_BYTES}, so the
 * cache can list a parent with a million children in one answer.
 */
final class CuratorCacheStore implements CachedStore {
    private static final int CREATES_PER_MULTI = 128;
    private static final int MULTIS_IN_FLIGHT = 16;
    private static final Duration SESSION = Duration.ofSeconds(30);
    private static final Duration CONNECTED = Duration.ofSeconds(60);
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(30);

    private final CuratorFramework client;

    CuratorCacheStore(String connectString) throws InterruptedException {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKConfig.JUTE_MAXBUFFER, Integer.toString(ZooKeeperProcess.MAX_PACKET_BYTES));
        this.client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .zkClientConfig(config)
                .sessionTimeoutMs((int) SESSION.toMillis())
                .connectionTimeoutMs((int) SESSION.toMillis())
                .retryPolicy(new ExponentialBackoffRetry(100, 5))
                .build();
        client.start();
        boolean connected = false;
        try {
            connected = client.blockUntilConnected((int) CONNECTED.toSeconds(), TimeUnit.SECONDS);
        } finally {
            if (!connected) {
                client.close();
            }
        }
        if (!connected) {
            throw new IllegalStateException("no connection to ZooKeeper at " + connectString + " within " + CONNECTED);
        }
    }

    @Override
    public String displayName() {
        return "Curator CuratorCache";
    }

    /** Multis of {@value #CREATES_PER_MULTI} creates, {@value #MULTIS_IN_FLIGHT} in flight. */
    @Override
    public void fill(String prefix, int keys, int valueBytes) throws Exception {
        client.create().creatingParentsIfNeeded().forPath(parent(prefix));
        ZooKeeper zooKeeper = client.getZookeeperClient().getZooKeeper();
        Semaphore inFlight = new Semaphore(MULTIS_IN_FLIGHT);
        AtomicReference<KeeperException> failure = new AtomicReference<>();
        List<Op> batch = new ArrayList<>();
        for (int i = 0; i < keys && failure.get() == null; i++) {
            batch.add(Op.create(path(prefix, CachedStore.keyName(i)), CachedStore.value(i, valueBytes),
                    ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            if (batch.size() == CREATES_PER_MULTI || i == keys - 1) {
                inFlight.acquire();
                zooKeeper.multi(List.copyOf(batch), (rc, path, context, results) -> {
                    if (rc != KeeperException.Code.OK.intValue()) {
                        failure.compareAndSet(null, KeeperException.create(KeeperException.Code.get(rc), path));
                    }
                    inFlight.release();
                }, null);
                batch.clear();
            }
        }
        inFlight.acquire(MULTIS_IN_FLIGHT);
        inFlight.release(MULTIS_IN_FLIGHT);
        if (failure.get() != null) {
            throw new IllegalStateException("filling " + parent(prefix) + " failed", failure.get());
        }
    }

    @Override
    public OpenCache open(String prefix, Runnable onChange) throws Exception {
        CompletableFuture<Void> initialized = new CompletableFuture<>();
        CuratorCache cache = CuratorCache.build(client, parent(prefix));
        cache.listenable().addListener(new CuratorCacheListener() {
            @Override
            public void event(Type type, ChildData oldData, ChildData data) {
                if (initialized.isDone() && type != Type.NODE_DELETED) {
                    onChange.run();
                }
            }

            @Override
            public void initialized() {
                initialized.complete(null);
            }
        });
        cache.start();
        try {
            initialized.get(LOAD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            cache.close();
            throw e;
        }
        return new OpenCache() {
            /** The cache holds the parent too; keys are its children. */
            @Override
            public int size() {
                return cache.size() - 1;
            }

            @Override
            public void close() {
                cache.close();
            }
        };
    }

    /** Sets the data of an existing key (a znode must be created before it can be set). */
    @Override
    public void put(String prefix, String key, byte[] value) throws Exception {
        client.setData().forPath(path(prefix, key), value);
    }

    @Override
    public void close() {
        client.close();
    }

    private static String parent(String prefix) {
        return "/" + prefix.substring(0, prefix.length() - 1);
    }

    private static String path(String prefix, String key) {
        return "/" + prefix + key;
    }
}
