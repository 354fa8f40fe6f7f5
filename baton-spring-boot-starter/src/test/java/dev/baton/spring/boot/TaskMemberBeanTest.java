package dev.baton.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.tasks.FairBalancer;
import dev.baton.tasks.StatefulTaskHandler;
import dev.baton.tasks.StopReason;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskHandler;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskInfo;
import dev.baton.tasks.TaskMessage;
import dev.baton.tasks.TaskProperties;
import dev.baton.tasks.TaskStatus;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The application's task member: made from its handler bean and {@code baton.tasks.*}, run while the context is started. */
class TaskMemberBeanTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    ApplicationContextRunner application(String namespace) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class))
                .withPropertyValues("baton.endpoints=" + ETCD.endpoint(), "baton.session.ttl=3s",
                        "baton.namespace=" + namespace, "baton.tasks.stop-timeout=5s");
    }

    /** A client of its own, so that what it reads does not depend on the application's beans. */
    static <T> T withClient(String namespace, Function<TaskClient, T> read) {
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build()) {
            return read.apply(TaskClient.create(etcd, namespace));
        }
    }

    @Test
    void theHandlerBeanRunsTheSubmittedTasksUnderTheMemberIdOfTheProperties() {
        List<String> ran = new CopyOnWriteArrayList<>();
        application("tasks-run/").withPropertyValues("baton.tasks.member-id=web-1", "baton.tasks.max-concurrent-tasks=2")
                .withBean("reportHandler", TaskHandler.class, () -> context -> ran.add(context.id().value()))
                .run(context -> {
                    TaskClient tasks = context.getBean(TaskClient.class);
                    tasks.submit(TaskId.of("report-1"), TaskProperties.empty());
                    tasks.submit(TaskId.of("report-2"), TaskProperties.empty());

                    await().atMost(WAIT).until(() -> tasks.list().stream().allMatch(TaskInfo::done));
                    assertThat(ran).containsExactlyInAnyOrder("report-1", "report-2");
                    assertThat(tasks.list()).allSatisfy(task -> assertThat(task.status()).hasValue(TaskStatus.COMPLETED));
                    assertThat(context.getBean(TaskMemberLifecycle.class).member().orElseThrow().id()).isEqualTo("web-1");
                    assertThat(tasks.members()).singleElement().satisfies(member -> assertThat(member.id()).isEqualTo("web-1"));
                });
    }

    @Test
    void closingTheContextReleasesTheRunningTaskAndDeregistersBeforeTheSessionCloses() {
        List<StopReason> stops = new CopyOnWriteArrayList<>();
        application("tasks-close/")
                .withBean("slowHandler", TaskHandler.class, () -> context -> {
                    context.awaitStop(WAIT);
                    context.stopReason().ifPresent(stops::add);
                    context.throwIfStopRequested();
                })
                .run(context -> {
                    TaskClient tasks = context.getBean(TaskClient.class);
                    tasks.submit(TaskId.of("long-1"), TaskProperties.empty());
                    await().atMost(WAIT).until(() -> tasks.get(TaskId.of("long-1")).orElseThrow().owner().isPresent());
                });

        assertThat(stops).containsExactly(StopReason.SHUTDOWN);
        TaskInfo released = withClient("tasks-close/", tasks -> tasks.get(TaskId.of("long-1")).orElseThrow());
        assertThat(released.done()).isFalse();
        assertThat(released.owner()).isEmpty();
        assertThat(withClient("tasks-close/", TaskClient::members)).isEmpty();
    }

    @Test
    void customizersChangeTheMemberBeforeItJoinsAndAStatefulHandlerIsTakenLikeAPlainOne() {
        AtomicInteger customized = new AtomicInteger();
        application("tasks-customized/")
                .withBean("checkpointing", StatefulTaskHandler.class, () -> context -> TaskMessage.complete())
                .withBean(TaskMemberCustomizer.class, () -> member -> {
                    customized.incrementAndGet();
                    member.balancer(new FairBalancer());
                })
                .run(context -> {
                    TaskClient tasks = context.getBean(TaskClient.class);
                    tasks.submit(TaskId.of("stateful-1"), TaskProperties.empty());

                    await().atMost(WAIT).until(() -> tasks.get(TaskId.of("stateful-1")).orElseThrow().done());
                    assertThat(customized).hasValue(1);
                });
    }

    @Test
    void withoutAHandlerBeanThereIsNoMember() {
        application("tasks-none/").run(context -> assertThat(context).doesNotHaveBean(TaskMemberLifecycle.class));
    }

    @Test
    void twoHandlerBeansAreRefusedByName() {
        application("tasks-two/")
                .withBean("first", TaskHandler.class, () -> context -> { })
                .withBean("second", StatefulTaskHandler.class, () -> context -> TaskMessage.complete())
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("2 task handler beans: [first, second]"));
    }
}
