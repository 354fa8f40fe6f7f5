package dev.baton.cli;

import dev.baton.server.EmbeddedEtcd;
import dev.baton.server.StartupException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton server}: runs the embedded etcd-compatible server in the foreground until
 * interrupted or sent {@code SIGTERM}, then shuts it down cleanly.
 */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a single-node server speaking the etcd v3 API (jetcd, etcdctl and Baton work against it).",
            "Every acknowledged write is on disk first; stop it with Ctrl-C or SIGTERM."})
final class ServerCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:2379",
            converter = HostAndPort.Converter.class,
            description = "Address to serve on; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private HostAndPort listen;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Storage storage;

    static final class Storage {
        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Directory holding the data (created when missing).")
        Path dataDir;

        @Option(names = "--in-memory", description = "Keep nothing on disk: everything is lost on exit.")
        boolean inMemory;
    }

    @Option(names = "--fsync", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Force the log to disk before acknowledging a write (default: on).")
    private boolean fsync;

    @Option(names = "--cert", paramLabel = "FILE",
            description = "Serve TLS only, with this PEM certificate (needs --key).")
    private Path certificate;

    @Option(names = "--key", paramLabel = "FILE", description = "Unencrypted PKCS#8 PEM private key of --cert.")
    private Path privateKey;

    @Option(names = "--client-ca", paramLabel = "FILE",
            description = "Accept only clients presenting a certificate signed by a CA in this PEM file (needs --cert).")
    private Path clientCa;

    @Option(names = "--insecure-listen",
            description = "Allow plain HTTP on a non-loopback --listen address: anyone who reaches it can read "
                    + "and write every key.")
    private boolean insecureListen;

    @Option(names = "--restore", paramLabel = "FILE",
            description = "First make --data-dir (empty or absent) hold the state of this snapshot, saved from a Baton "
                    + "server (etcdctl snapshot save), as a new member; then serve it.")
    private Path restore;

    @Option(names = "--quota-backend-bytes", paramLabel = "BYTES", defaultValue = "2147483648",
            description = "Space quota: writes that add data past it are refused and raise the NOSPACE alarm "
                    + "(default: ${DEFAULT-VALUE}, as etcd).")
    private long quotaBackendBytes;

    @Option(names = "--auth-token-ttl", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long an auth token stays valid unused; each call with it renews it "
                    + "(default: ${DEFAULT-VALUE}, as etcd).")
    private long authTokenTtlSeconds;

    @Option(names = "--name", defaultValue = "baton", description = "Member name shown by etcdctl member list "
            + "(default: ${DEFAULT-VALUE}).")
    private String name;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if ((certificate == null) != (privateKey == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cert and --key go together");
        }
        if (clientCa != null && certificate == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--client-ca needs TLS: give --cert and --key as well");
        }
        if (restore != null && storage.inMemory) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--restore needs --data-dir: the directory to restore into");
        }
        if (quotaBackendBytes <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--quota-backend-bytes must be positive, was " + quotaBackendBytes);
        }
        if (authTokenTtlSeconds <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--auth-token-ttl must be positive, was " + authTokenTtlSeconds);
        }
        if (certificate == null && !insecureListen && !EmbeddedEtcd.isLoopback(listen.host())) {
            err.println("baton server: refusing to serve plain HTTP on " + listen.host() + ":" + listen.port()
                    + ", which is not a loopback address: anyone who reaches it could read and write every key. "
                    + "Give --cert and --key (and --client-ca to require client certificates), or --insecure-listen "
                    + "to serve it anyway.");
            err.flush();
            return 2;
        }
        EmbeddedEtcd.Builder builder = EmbeddedEtcd.builder()
                .listen(listen.host(), listen.port())
                .fsync(fsync)
                .quotaBackendBytes(quotaBackendBytes)
                .authTokenTtl(Duration.ofSeconds(authTokenTtlSeconds))
                .name(name);
        if (certificate != null) {
            builder.tls(certificate, privateKey);
        }
        if (clientCa != null) {
            builder.clientCa(clientCa);
        }
        if (insecureListen) {
            builder.insecureListen();
        }
        if (storage.inMemory) {
            builder.inMemory();
        } else {
            builder.dataDir(storage.dataDir);
        }
        EmbeddedEtcd server = builder.build();
        try {
            if (restore != null) {
                EmbeddedEtcd.restore(restore, storage.dataDir);
            }
            server.start();
        } catch (StartupException e) {
            err.println("baton server: " + e.getMessage());
            err.flush();
            return 1;
        }
        try (ShutdownGate gate = ShutdownGate.install("server"); EmbeddedEtcd serving = server) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("baton server: serving the etcd v3 API on " + serving.endpoint());
            out.flush();
            gate.await();
        }
        return 0;
    }
}
