package dev.baton.cli;

import dev.baton.election.Candidacy;
import dev.baton.election.Election;
import dev.baton.election.LeaderObserver;
import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
 * first); {@code baton elect --listen NAME} prints the leader's value on every change. NAME is an
 * election as {@code etcdctl elect} names it (candidates {@code NAME/<lease-hex>}), so the two
 * interoperate; it is used as given, not under the namespace.
 */
@Command(name = "elect", mixinStandardHelpOptions = true,
        description = {"Campaigns in election NAME with VALUE and holds leadership until killed,",
            "or with --listen prints the leader's value on every change (like etcdctl elect)."})
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
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        Etcd etcd = store.connect();
        Session session = Session.builder(etcd).open();
        Election election;
        try {
            election = Election.on(session, name);
        } catch (IllegalArgumentException e) {
            session.close();
            etcd.close();
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (listen) {
            LeaderObserver observer = election.observe(leader -> print(out,
                    leader.map(l -> l.valueUtf8()).orElse("(no leader)")));
            onShutdown(() -> {
                observer.close();
                session.close();
                etcd.close();
            }, stopped);
        } else {
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
            candidacy.elected().thenAccept(leadership -> {
                print(out, "elected: " + name + " " + value + " (key " + leadership.key() + ", token "
                        + leadership.token() + ")");
                leadership.lost().thenAccept(reason -> print(out, "lost: " + name + " (" + reason + ")"));
            });
        }
        stopped.await();
        return 0;
    }

    private static void onShutdown(Runnable cleanup, CountDownLatch stopped) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cleanup.run();
            stopped.countDown();
        }, "baton-elect-shutdown"));
    }

    private static void print(PrintWriter out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
