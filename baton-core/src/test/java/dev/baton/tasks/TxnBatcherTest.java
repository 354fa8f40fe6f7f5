package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.TxnResult;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Batched claims and retirements on a real etcd: many guarded writes per request, each with its
 * own outcome, within etcd's 128-operation limit, and no task claimed twice when several members
 * claim the same tasks at once.
 */
class TxnBatcherTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private final List<Etcd> connections = new ArrayList<>();
    private final ExecutorService callbacks = Executors.newSingleThreadExecutor();
    private String namespace;
    private TaskClient client;

    @BeforeEach
    void start() {
        namespace = "batch-" + UUID.randomUUID() + "/";
        client = TaskClient.create(connection(), namespace);
    }

    @AfterEach
    void disconnect() {
        connections.forEach(Etcd::close);
        callbacks.shutdownNow();
    }

    private Etcd connection() {
        Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
        connections.add(etcd);
        return etcd;
    }

    private List<TaskId> submit(int count) {
        List<TaskSubmission> submissions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            submissions.add(TaskSubmission.of(TaskId.of(String.format("t%04d", i)), TaskProperties.empty()));
        }
        assertThat(client.submitAll(submissions).allSubmitted()).isTrue();
        return submissions.stream().map(TaskSubmission::id).toList();
    }

    @Test
    void fiveHundredClaimsLeaveInFewRequestsEachWithItsOwnOutcome() {
        List<TaskId> tasks = submit(500);
        Etcd etcd = connection();
        TaskWrites writes = new TaskWrites(etcd, new Keyspace(namespace));
        TxnBatcher batcher = new TxnBatcher(etcd, callbacks, 1);
        long lease = etcd.grantLease(Duration.ofSeconds(30)).join().id();
        List<TxnBatcher.Write> claims = new ArrayList<>();
        for (TaskId task : tasks) {
            claims.add(writes.claim(task, "m", lease, 0));
        }
        claims.add(writes.claim(TaskId.of("never-submitted"), "m", lease, 0));

        List<TxnResult> results = batcher.sendAll(claims).stream().map(CompletableFuture::join).toList();

        assertThat(results.subList(0, 500)).allMatch(TxnResult::succeeded);
        assertThat(results.get(500).succeeded()).isFalse();
        assertThat(results.get(0).gets().get(0)).as("the claim read the spec back").hasSize(1);
        assertThat(claims).allMatch(claim -> claim.ops() == TaskWrites.CLAIM_OPS);
        assertThat(batcher.requests()).as("requests for 501 claims of 3 operations each").isEqualTo(5);
        assertThat(ClaimPipeline.MAX_PER_PASS).as("a pass's claims fill the requests in flight")
                .isEqualTo(4 * 125);
        assertThat(etcd.range(KeyRange.prefix(namespace + "tasks/")).join().kvs()
                .stream().filter(kv -> kv.key().endsWith("/owner")).count()).isEqualTo(500);
    }

    @Test
    void retirementsOfFiveOperationsEachFitTheLimitToo() {
        List<TaskId> tasks = submit(300);
        Etcd etcd = connection();
        TaskWrites writes = new TaskWrites(etcd, new Keyspace(namespace));
        TxnBatcher batcher = new TxnBatcher(etcd, callbacks, 2);
        long lease = etcd.grantLease(Duration.ofSeconds(30)).join().id();
        List<TxnResult> claimed = batcher.sendAll(tasks.stream().map(t -> writes.claim(t, "m", lease, 0)).toList())
                .stream().map(CompletableFuture::join).toList();
        TaskStateMachine machine = TaskStateMachine.builder().build();
        TaskState completed = machine.apply(TaskState.initial(Instant.EPOCH), TaskMessage.complete());
        List<TxnBatcher.Write> retirements = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            retirements.add(writes.retire(tasks.get(i), claimed.get(i).revision(), new DoneTask(completed,
                    Optional.of(new TaskSpec(TaskProperties.empty(), Instant.EPOCH, Optional.empty())), Optional.empty())));
        }

        assertThat(batcher.sendAll(retirements).stream().map(CompletableFuture::join)).allMatch(TxnResult::succeeded);
        assertThat(client.list()).hasSize(300).allMatch(TaskInfo::done);
    }

    @Test
    void membersClaimingTheSameTasksAtOnceNeverBothWin() {
        List<TaskId> tasks = submit(400);
        Map<String, List<CompletableFuture<TxnResult>>> outcomes = new HashMap<>();
        for (String member : List.of("a", "b", "c")) {
            Etcd etcd = connection();
            TaskWrites writes = new TaskWrites(etcd, new Keyspace(namespace));
            long lease = etcd.grantLease(Duration.ofSeconds(30)).join().id();
            TxnBatcher batcher = new TxnBatcher(etcd, callbacks, 4);
            List<TaskId> order = new ArrayList<>(tasks);
            Collections.shuffle(order, new Random(member.hashCode()));
            outcomes.put(member, batcher.sendAll(order.stream().map(t -> writes.claim(t, member, lease, 0)).toList()));
        }

        long won = outcomes.values().stream().flatMap(List::stream).map(CompletableFuture::join)
                .filter(TxnResult::succeeded).count();
        assertThat(won).as("claims that landed, over 3 members × 400 tasks").isEqualTo(400);
        assertThat(client.list()).allMatch(info -> info.owner().isPresent());
    }
}
