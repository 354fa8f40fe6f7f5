package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restarting a server on its data directory, and the start-up refusals. */
class EmbeddedEtcdRestartTest {
    @TempDir
    Path dir;

    private static ManagedChannel channel(EmbeddedEtcd etcd) {
        URI uri = URI.create(etcd.endpoint());
        return NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Test
    void aRestartKeepsKeysRevisionAndLeasesWithTheirFullTtl() throws Exception {
        long revision;
        long lease;
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(dir).build().start()) {
            ManagedChannel channel = channel(etcd);
            lease = LeaseGrpc.newBlockingStub(channel)
                    .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(3600).build()).getID();
            var kv = KVGrpc.newBlockingStub(channel);
            kv.put(PutRequest.newBuilder().setKey(bytes("a")).setValue(bytes("1")).build());
            revision = kv.put(PutRequest.newBuilder().setKey(bytes("b")).setValue(bytes("2")).setLease(lease).build())
                    .getHeader().getRevision();
            channel.shutdownNow();
        }
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(dir).build().start()) {
            ManagedChannel channel = channel(etcd);
            RangeResponse all = KVGrpc.newBlockingStub(channel).range(RangeRequest.newBuilder()
                    .setKey(bytes("\0")).setRangeEnd(bytes("\0")).build());
            assertThat(all.getHeader().getRevision()).isEqualTo(revision);
            assertThat(all.getKvsList()).extracting(kv -> kv.getKey().toStringUtf8()).containsExactly("a", "b");
            LeaseTimeToLiveResponse ttl = LeaseGrpc.newBlockingStub(channel).leaseTimeToLive(
                    LeaseTimeToLiveRequest.newBuilder().setID(lease).setKeys(true).build());
            assertThat(ttl.getGrantedTTL()).isEqualTo(3600);
            assertThat(ttl.getTTL()).isGreaterThan(3590);
            assertThat(ttl.getKeysList()).containsExactly(bytes("b"));
            channel.shutdownNow();
        }
    }

    @Test
    void aSecondServerOnTheSameDirectoryIsRefusedWithAClearMessage() {
        try (EmbeddedEtcd first = EmbeddedEtcd.builder().dataDir(dir).build().start()) {
            EmbeddedEtcd second = EmbeddedEtcd.builder().dataDir(dir).build();
            assertThatThrownBy(second::start)
                    .isInstanceOf(StartupException.class)
                    .hasMessage("data directory " + dir + " is in use by another server (" + dir.resolve("LOCK")
                            + " is locked)");
            assertThat(first.endpoint()).startsWith("http://127.0.0.1:");
        }
    }

    @Test
    void anUnusableDataDirectoryIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(file).build();
        assertThatThrownBy(etcd::start).isInstanceOf(StartupException.class).hasMessageContaining(file.toString());
    }

    @Test
    void aTakenPortIsNamed() {
        try (EmbeddedEtcd first = EmbeddedEtcd.builder().inMemory().build().start()) {
            EmbeddedEtcd second = EmbeddedEtcd.builder().inMemory().listen("127.0.0.1", first.port()).build();
            assertThatThrownBy(second::start).isInstanceOf(StartupException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + first.port());
        }
    }

    @Test
    void closeIsIdempotentAndTheBuilderInsistsOnAStorageChoice() {
        EmbeddedEtcd etcd = EmbeddedEtcd.builder().inMemory().build().start();
        etcd.close();
        etcd.close();
        assertThatThrownBy(() -> EmbeddedEtcd.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dataDir(path) or inMemory()");
        assertThatThrownBy(() -> EmbeddedEtcd.builder().listen("127.0.0.1", 70000))
                .hasMessage("port must be within 0..65535, was 70000");
    }
}
