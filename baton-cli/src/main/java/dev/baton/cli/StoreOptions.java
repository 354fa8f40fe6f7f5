package dev.baton.cli;

import dev.baton.etcd.Endpoints;
import dev.baton.etcd.Etcd;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options every command that talks to a store shares ({@code --endpoints}, {@code --namespace}),
 * and the connection they describe. Mixed into each client command with {@code @Mixin}.
 */
final class StoreOptions {
    /** How long {@link #connect()} tries to reach the store before giving up. */
    static final Duration REACH_TIMEOUT = Duration.ofSeconds(6);

    @Option(names = "--endpoints", paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:BATON_ENDPOINTS:-127.0.0.1:2379}", converter = EndpointList.class,
            description = "Store endpoints, comma-separated host:port or http://host:port "
                    + "(default: $BATON_ENDPOINTS, else 127.0.0.1:2379).")
    String endpoints;

    @Option(names = "--namespace", paramLabel = "NAME", defaultValue = "baton", converter = Namespace.class,
            description = "Key prefix of the deployment (default: ${DEFAULT-VALUE}).")
    String namespace;

    /** The namespace as a key prefix, always ending in {@code /}. */
    String prefix() {
        return namespace + "/";
    }

    /**
     * Opens a connection and checks that the store answers, within {@link #REACH_TIMEOUT}.
     *
     * @throws CommandFailure naming the endpoints tried when the store does not answer
     */
    Etcd connect() {
        Etcd etcd = Etcd.builder().endpoints(List.of(endpoints.split(","))).build();
        try {
            etcd.get(prefix()).get(REACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return etcd;
        } catch (ExecutionException | TimeoutException e) {
            etcd.close();
            Throwable cause = e instanceof ExecutionException ? Etcd.unwrap(e) : e;
            throw new CommandFailure("cannot reach the store at " + endpoints + " (tried for "
                    + REACH_TIMEOUT.toSeconds() + " s): " + describe(cause), cause);
        } catch (InterruptedException e) {
            etcd.close();
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted while connecting to " + endpoints, e);
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
                return Endpoints.parse(value).stream().map(uri -> uri.getHost() + ":" + uri.getPort())
                        .collect(Collectors.joining(","));
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
