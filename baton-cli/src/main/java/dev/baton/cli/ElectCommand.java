package dev.baton.cli;

import dev.baton.election.Candidacy;
import dev.baton.election.CandidacyLostException;
import dev.baton.election.Election;
import dev.baton.election.LeaderObserver;
import dev.baton.election.LossReason;
import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code baton elect NAME VALUE} campaigns and holds leadership until killed (SIGTERM resigns
 * first); when the candidacy ends without being asked to (its key deleted by another client, the
 * session lost) it exits 1, as {@code etcdctl elect} exits with an error.
 * {@code baton elect --listen NAME} prints the leader's value on every change. NAME is an
 * election as {@code etcdctl elect} names it (candidates {@code NAME/<lease-hex>}), so the two
 * interoperate; it is used as given, not under the namespace.
 */
@Command(name = "elect", mixinStandardHelpOptions = true,
        description = {"Campaigns in election NAME with VALUE and holds leadership until killed,",
            "or with --listen prints the leader's value on every change (like etcdctl elect).",
            "Exits 1 when the candidacy ends without being asked to (its key deleted, the session lost)."})
final class ElectCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private StoreOptions store;

    @Option(names = {"-l", "--listen"}, description = "Observe the election instead of campaigning.")
    private boolean listen;

    @Parameters(index = "0", paramLabel = "NAME")
    private String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE")
    private String value;

    @Override
    public Integer call() throws Exception {
        if (listen == (value != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    listen ? "--listen takes no VALUE" : "a VALUE to campaign with is required (or --listen)");
        }
        try {
            Election.checkPrefix(name);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        Etcd etcd = store.connect();
        Session session = Session.builder(etcd).open();
        Election election = Election.on(session, name);
        if (listen) {
            LeaderObserver observer = election.observe(leader -> print(out,
                    leader.map(l -> l.valueUtf8()).orElse("(no leader)")));
            onShutdown(() -> {
                observer.close();
                session.close();
                etcd.close();
            }, stopped);
            stopped.join();
            return 0;
        }
        Candidacy candidacy = election.campaign(value);
        onShutdown(() -> {
            try {
                candidacy.withdraw().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                Thread.currentThread().interrupt();
            }
            session.close();
            etcd.close();
        }, stopped);
        CompletableFuture<LossReason> ended = candidacy.elected().thenCompose(leadership -> {
            print(out, "elected: " + name + " " + value + " (key " + leadership.key() + ", token "
                    + leadership.token() + ")");
            return leadership.lost().thenApply(reason -> {
                print(out, "lost: " + name + " (" + reason + ")");
                return reason;
            });
        });
        CompletableFuture.anyOf(stopped, ended).exceptionally(error -> null).join();
        LossReason reason = endReason(ended);
        if (reason == null || reason == LossReason.RESIGNED) {
            stopped.join();
            return 0;
        }
        throw new CommandFailure("candidacy " + candidacy.key() + " in election " + name + " ended: " + reason
                + (reason == LossReason.KEY_DELETED ? " (another client deleted the key)" : ""));
    }

    /**
     * Why the candidacy ended, before or after it was elected; null while it goes on.
     *
     * @throws CommandFailure when the campaign was refused (its key was taken by another campaign)
     */
    private static LossReason endReason(CompletableFuture<LossReason> ended) {
        if (!ended.isDone()) {
            return null;
        }
        try {
            return ended.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof CandidacyLostException lost) {
                return lost.reason();
            }
            throw new CommandFailure("campaign failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static void onShutdown(Runnable cleanup, CompletableFuture<Void> stopped) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cleanup.run();
            stopped.complete(null);
        }, "baton-elect-shutdown"));
    }

    private static void print(PrintWriter out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
