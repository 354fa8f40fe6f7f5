package dev.baton.cli;

import dev.baton.etcd.Endpoints;
import dev.baton.etcd.Etcd;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every command that talks to a store shares: where it is ({@code --endpoints},
 * {@code --namespace}), TLS ({@code --cacert}, {@code --cert}, {@code --key}), the etcd user
 * ({@code --user}, {@code --password-file}) and {@code --config}. Each falls back to its
 * environment variable, then the config file; see {@link StoreSettings}. Mixed into each client
 * command with {@code @Mixin}.
 */
final class StoreOptions {
    /** How long {@link #connect()} tries to reach the store before giving up. */
    static final Duration REACH_TIMEOUT = Duration.ofSeconds(6);

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--endpoints", paramLabel = "URL[,...]", converter = EndpointList.class,
            description = "Store endpoints, comma-separated host:port, http://host:port or https://host:port "
                    + "(else $BATON_ENDPOINTS, the config file, 127.0.0.1:2379).")
    String endpoints;

    @Option(names = "--namespace", paramLabel = "NAME", converter = Namespace.class,
            description = "Key prefix of the deployment (else $BATON_NAMESPACE, the config file, baton).")
    String namespace;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "PEM CA certificate(s) that sign the store's certificate; needs https:// endpoints "
                    + "(else $BATON_CACERT, the config file).")
    Path cacert;

    @Option(names = "--cert", paramLabel = "FILE",
            description = "PEM client certificate for stores that require one (else $BATON_CERT, the config file).")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE",
            description = "Unencrypted PKCS#8 PEM private key of --cert (else $BATON_KEY, the config file).")
    Path key;

    @Option(names = "--user", paramLabel = "NAME",
            description = "etcd user to authenticate as (else $BATON_USER, the config file).")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File holding the user's password (else $BATON_PASSWORD, the config file). "
                    + "There is no password flag: command lines are visible to every local user.")
    Path passwordFile;

    @Option(names = "--config", paramLabel = "FILE",
            description = "JSON config file (default: $XDG_CONFIG_HOME/baton/config.json or "
                    + "~/.config/baton/config.json, when present).")
    Path config;

    private StoreSettings settings;

    /** The settings from flags, environment and config file, resolved once; warnings go to standard error. */
    StoreSettings settings() {
        if (settings == null) {
            StoreConfig file = StoreConfig.load(Optional.ofNullable(config), System.getenv(),
                    Path.of(System.getProperty("user.home")));
            settings = StoreSettings.resolve(new StoreSettings.Flags(endpoints, namespace, cacert, cert, key, user,
                    passwordFile), System.getenv(), file);
            PrintWriter err = command.commandLine().getErr();
            settings.warnings().forEach(warning -> err.println(command.qualifiedName() + ": warning: " + warning));
            err.flush();
        }
        return settings;
    }

    /** The settings if a command has resolved them already; for explaining its failures. */
    Optional<StoreSettings> resolvedSettings() {
        return Optional.ofNullable(settings);
    }

    /** The namespace as a key prefix, always ending in {@code /}. */
    String prefix() {
        return settings().namespace() + "/";
    }

    /**
     * Opens a connection and checks that the store answers, within {@link #REACH_TIMEOUT}.
     *
     * @throws CommandFailure naming the endpoints tried when the store does not answer, or saying
     *     in one line what to fix when it refuses this client or a TLS file is unusable
     */
    Etcd connect() {
        StoreSettings resolved = settings();
        Etcd etcd;
        try {
            etcd = resolved.builder().build();
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
        try {
            etcd.get(prefix()).get(REACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return etcd;
        } catch (ExecutionException | TimeoutException e) {
            etcd.close();
            Throwable cause = e instanceof ExecutionException ? Etcd.unwrap(e) : e;
            throw new CommandFailure(AccessFailure.explain(cause, resolved).orElseGet(() -> "cannot reach the store at "
                    + resolved.endpoints() + " (tried for " + REACH_TIMEOUT.toSeconds() + " s): " + describe(cause)), cause);
        } catch (InterruptedException e) {
            etcd.close();
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted while connecting to " + resolved.endpoints(), e);
        }
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }

    /** Validates the endpoint list at parse time, so a malformed one is a usage error. */
    static final class EndpointList implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return Endpoints.parse(value).stream().map(Object::toString).collect(Collectors.joining(","));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** A namespace: one or more key segments, without leading or trailing '/'. */
    static final class Namespace implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String trimmed = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
            if (trimmed.isEmpty() || trimmed.startsWith("/") || trimmed.contains("//")
                    || trimmed.chars().anyMatch(Character::isISOControl)) {
                throw new CommandLine.TypeConversionException("a namespace is one or more key segments "
                        + "separated by '/', got '" + value + "'");
            }
            return trimmed;
        }
    }
}
