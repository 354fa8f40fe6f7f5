package dev.baton.bench.locks;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;

/**
 * jetcd's lock client, i.e. etcd's server-side lock service, as a jetcd user would write it: a
 * lease granted and kept alive by jetcd per client, {@code lock(name, lease)} returning the key to
 * pass to {@code unlock}.
 */
final class JetcdLocks implements LockSystem {
    private final String endpoint;

    JetcdLocks(String endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public String displayName() {
        return "jetcd Lock";
    }

    @Override
    public LockClient client(String name) {
        Client client = Client.builder().endpoints(endpoint).build();
        long lease = client.getLeaseClient().grant(LocksScenario.SESSION_TTL.toSeconds()).join().getID();
        CloseableClient keepAlive = client.getLeaseClient().keepAlive(lease, new StreamObserver<LeaseKeepAliveResponse>() {
            @Override
            public void onNext(LeaseKeepAliveResponse response) {
            }

            @Override
            public void onError(Throwable error) {
            }

            @Override
            public void onCompleted() {
            }
        });
        ByteSequence lockName = ByteSequence.from(name, StandardCharsets.UTF_8);
        return new LockClient() {
            private ByteSequence key;

            @Override
            public void lock() throws Exception {
                key = client.getLockClient().lock(lockName, lease).get().getKey();
            }

            @Override
            public void unlock() throws Exception {
                client.getLockClient().unlock(key).get();
            }

            @Override
            public void close() {
                keepAlive.close();
                client.getLeaseClient().revoke(lease).join();
                client.close();
            }
        };
    }
}
