package dev.baton.tasks;

import dev.baton.etcd.Backoff;
import dev.baton.etcd.KeyValue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the commands sent to one member ({@code <ns>commands/members/<member>/}), one at a time
 * in the order they were sent, each consumed in the transaction that applies it (freeze,
 * unfreeze) or right after (balance, release); a command that does not parse, or names a task the
 * member does not hold, is refused, reported in {@link #rejected()} and consumed. A write that
 * fails is retried with backoff. Used from the member's control thread only.
 */
final class MemberCommands {

    private static final Logger LOG = LoggerFactory.getLogger(MemberCommands.class);
    private static final int MAX_REJECTED_KEPT = 100;

    /** What applying a command does to the member. */
    interface Target {
        /** The member's pending commands, oldest first. */
        List<KeyValue> pending();

        /** True while the command key is present. */
        boolean present(String commandKey);

        /** Whether the member may apply commands now (registered, not closing). */
        boolean accepting();

        /** The member's record changed (its frozen flag) and is stored. */
        void frozen(boolean frozen);

        /** A balancing pass is wanted. */
        void balance();

        /** Releases {@code task} with the command consumed in the release; false when not held. */
        boolean release(TaskId task, String commandKey);

        /** The lease and registration revision the member's record is written with. */
        Registration registration();
    }

    private final String member;
    private final TaskWrites writes;
    private final ScheduledExecutorService control;
    private final Clock clock;
    private final Target target;
    private final Set<String> handled = new HashSet<>();
    private final Deque<RejectedCommand> rejected = new ArrayDeque<>();
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    private boolean busy;

    MemberCommands(String member, TaskWrites writes, ScheduledExecutorService control, Clock clock, Target target) {
        this.member = member;
        this.writes = writes;
        this.control = control;
        this.clock = clock;
        this.target = target;
    }

    /** True while a command is being applied; balancing waits for it (a freeze comes first). */
    boolean busy() {
        return busy;
    }

    /** The commands refused recently, oldest first. */
    List<RejectedCommand> rejected() {
        return List.copyOf(rejected);
    }

    /** New commands may have arrived, or old ones gone: applies the next one not yet taken up. */
    void process() {
        handled.removeIf(key -> !target.present(key));
        if (busy || !target.accepting()) {
            return;
        }
        for (KeyValue command : target.pending()) {
            if (handled.add(command.key())) {
                busy = true;
                apply(command);
                return;
            }
        }
    }

    /** Reports a refused command; the caller consumes it. */
    void reject(KeyValue command, String reason) {
        LOG.warn("member {}: refused command {} = {}: {}", member, command.key(), Excerpt.of(command.valueUtf8()), reason);
        rejected.addLast(new RejectedCommand(command.key(), Excerpt.of(command.valueUtf8()), reason, clock.instant()));
        while (rejected.size() > MAX_REJECTED_KEPT) {
            rejected.removeFirst();
        }
    }

    /** Deletes a member command that was applied or refused, then takes the next one. */
    void consume(String key) {
        writes.consume(key).whenCompleteAsync((result, error) -> {
            if (error == null) {
                done();
            } else {
                retry(key);
            }
        }, control);
    }

    /** The command being applied is through (its release requested): takes the next one. */
    void done() {
        busy = false;
        backoff.reset();
        process();
        if (!busy) {
            target.balance();
        }
    }

    private void apply(KeyValue command) {
        MemberCommand parsed;
        try {
            parsed = MemberCommand.parse(command.valueUtf8());
        } catch (TaskFormatException e) {
            reject(command, e.getMessage());
            consume(command.key());
            return;
        }
        LOG.info("member {}: command {}", member, parsed.encode());
        if (parsed instanceof MemberCommand.Freeze || parsed instanceof MemberCommand.Unfreeze) {
            boolean freeze = parsed instanceof MemberCommand.Freeze;
            Registration registration = target.registration();
            writes.updateMember(member, registration.revision(), new MemberRecord(freeze), registration.lease(),
                    command.key()).whenCompleteAsync((result, error) -> {
                        if (error == null && result.succeeded()) {
                            target.frozen(freeze);
                            done();
                        } else {
                            retry(command.key());
                        }
                    }, control);
        } else if (parsed instanceof MemberCommand.Balance) {
            consume(command.key());
        } else if (parsed instanceof MemberCommand.Release release) {
            if (target.release(release.task(), command.key())) {
                done();
            } else {
                reject(command, "task " + Excerpt.of(release.task().value()) + " is not held by member " + member);
                consume(command.key());
            }
        }
    }

    private void retry(String key) {
        handled.remove(key);
        try {
            control.schedule(() -> {
                busy = false;
                process();
            }, backoff.next().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            LOG.debug("member {} is closed; dropped command {}", member, key);
        }
    }
}
