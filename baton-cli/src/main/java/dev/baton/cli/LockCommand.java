package dev.baton.cli;

import dev.baton.etcd.Etcd;
import dev.baton.lock.HeldLock;
import dev.baton.lock.LockLostException;
import dev.baton.lock.Mutex;
import dev.baton.session.Session;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code baton lock NAME -- COMMAND [ARGS...]} waits for mutex NAME, runs the command while it
 * holds, and releases it when the command exits; the counterpart of {@code etcdctl lock NAME
 * COMMAND}, on the same key layout ({@code NAME/<lease-hex>}), so the two exclude each other. NAME is
 * used as given, not under the namespace. Exits with the command's status, or with
 * {@link CommandUnderLock#LOST_STATUS} when the lock was lost while the command ran.
 */
@Command(name = "lock", mixinStandardHelpOptions = true,
        description = {"Waits for lock NAME, runs COMMAND while holding it and releases it when COMMAND exits",
            "(like etcdctl lock NAME COMMAND). COMMAND sees BATON_LOCK_TOKEN (the fencing token) and",
            "BATON_LOCK_KEY. Exits with COMMAND's status; with 75 when the lock was lost while COMMAND ran",
            "(COMMAND was sent SIGTERM, then SIGKILL after --grace)."})
final class LockCommand implements Callable<Integer> {
    /** How long {@code lock} waits: until the lock is free, as {@code etcdctl lock} does. */
    private static final Duration UNTIL_FREE = Duration.ofNanos(Long.MAX_VALUE);
    private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(5);

    @Spec
    private CommandSpec spec;

    @Mixin
    private StoreOptions store;

    @Option(names = "--grace", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "10s",
            description = "After a lost lock, how long COMMAND has between SIGTERM and SIGKILL (default: ${DEFAULT-VALUE}).")
    private Duration grace;

    @Parameters(index = "0", paramLabel = "NAME", description = "The lock, as etcdctl lock names it.")
    private String name;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments.")
    private List<String> command;

    @Override
    public Integer call() throws Exception {
        if (grace.isZero() || grace.isNegative()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--grace must be positive, got " + grace);
        }
        try {
            Mutex.checkName(name);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Etcd etcd = store.connect();
        try (etcd; Session session = Session.builder(etcd).open()) {
            Mutex mutex = Mutex.on(session, name);
            HeldLock held;
            try {
                held = mutex.lock(UNTIL_FREE);
            } catch (LockLostException e) {
                throw new CommandFailure(e.getMessage() + "; the command did not run", e);
            }
            try {
                return CommandUnderLock.run(command, held, grace, spec.commandLine().getErr());
            } finally {
                held.release().get(RELEASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }
}
