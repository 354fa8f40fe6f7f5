package dev.baton.cli;

import dev.baton.etcd.Endpoints;
import dev.baton.etcd.Etcd;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where and as whom a client command connects. Each setting comes from its flag, else its
 * environment variable, else the config file, else its default:
 *
 * <pre>
 * setting     flag              environment        config file        default
 * endpoints   --endpoints       BATON_ENDPOINTS    endpoints          127.0.0.1:2379
 * namespace   --namespace       BATON_NAMESPACE    namespace          baton
 * CA          --cacert          BATON_CACERT       cacert             (plain HTTP)
 * client cert --cert, --key     BATON_CERT/KEY     cert, key          (none)
 * user        --user            BATON_USER         user               (none)
 * password    --password-file   BATON_PASSWORD     password(File)     (none)
 * </pre>
 *
 * There is deliberately no flag that takes a password: a command line is visible to every user
 * of the machine. The password is held only to hand to the connection; {@link #toString()} and
 * every message leave it out.
 */
final class StoreSettings {
    static final String DEFAULT_ENDPOINTS = "127.0.0.1:2379";
    static final String DEFAULT_NAMESPACE = "baton";

    /** The flags as given; null when absent. */
    record Flags(String endpoints, String namespace, Path cacert, Path cert, Path key, String user, Path passwordFile) {
    }

    private final List<URI> endpoints;
    private final String namespace;
    private final Optional<Path> cacert;
    private final Optional<Path> cert;
    private final Optional<Path> key;
    private final Optional<String> user;
    private final Optional<String> password;
    private final List<String> warnings;

    private StoreSettings(List<URI> endpoints, String namespace, Optional<Path> cacert, Optional<Path> cert,
                          Optional<Path> key, Optional<String> user, Optional<String> password, List<String> warnings) {
        this.endpoints = endpoints;
        this.namespace = namespace;
        this.cacert = cacert;
        this.cert = cert;
        this.key = key;
        this.user = user;
        this.password = password;
        this.warnings = warnings;
    }

    /**
     * Resolves every setting by precedence (see the class comment).
     *
     * @throws CommandFailure naming the source of a bad value, a certificate without its key, a
     *     user without a password (or the reverse), or an unreadable or empty password file
     */
    static StoreSettings resolve(Flags flags, Map<String, String> environment, StoreConfig config) {
        List<String> warnings = new ArrayList<>();
        Sourced<String> endpointText = first(
                Sourced.of(flags.endpoints(), "--endpoints"),
                Sourced.of(environment.get("BATON_ENDPOINTS"), "BATON_ENDPOINTS"),
                Sourced.of(config.endpoints(), "\"endpoints\" in " + config.file()))
                .orElse(new Sourced<>(DEFAULT_ENDPOINTS, "the default"));
        List<URI> endpoints;
        try {
            endpoints = Endpoints.parse(endpointText.value());
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(endpointText.source() + ": " + e.getMessage(), e);
        }
        Sourced<String> namespaceText = first(
                Sourced.of(flags.namespace(), "--namespace"),
                Sourced.of(environment.get("BATON_NAMESPACE"), "BATON_NAMESPACE"),
                Sourced.of(config.namespace(), "\"namespace\" in " + config.file()))
                .orElse(new Sourced<>(DEFAULT_NAMESPACE, "the default"));
        String namespace;
        try {
            namespace = new StoreOptions.Namespace().convert(namespaceText.value());
        } catch (RuntimeException e) {
            throw new CommandFailure(namespaceText.source() + ": " + e.getMessage(), e);
        }
        Optional<Path> cacert = firstPath(flags.cacert(), environment.get("BATON_CACERT"), config.cacert());
        Optional<Path> cert = firstPath(flags.cert(), environment.get("BATON_CERT"), config.cert());
        Optional<Path> key = firstPath(flags.key(), environment.get("BATON_KEY"), config.key());
        if (cert.isPresent() != key.isPresent()) {
            throw new CommandFailure(cert.isPresent()
                    ? "a client certificate (" + cert.get() + ") needs its private key: --key FILE or BATON_KEY"
                    : "a private key (" + key.get() + ") needs its client certificate: --cert FILE or BATON_CERT");
        }
        Optional<String> user = first(
                Sourced.of(flags.user(), "--user"),
                Sourced.of(environment.get("BATON_USER"), "BATON_USER"),
                Sourced.of(config.user(), "config")).map(Sourced::value);
        Optional<String> password;
        if (flags.passwordFile() != null) {
            password = Optional.of(readPasswordFile(flags.passwordFile(), warnings));
        } else if (nonBlank(environment.get("BATON_PASSWORD"))) {
            password = Optional.of(environment.get("BATON_PASSWORD"));
        } else if (config.password().isPresent()) {
            warnIfOthersCanRead(config.file(), warnings);
            password = config.password();
        } else {
            password = config.passwordFile().map(file -> readPasswordFile(file, warnings));
        }
        if (user.isPresent() && password.isEmpty()) {
            throw new CommandFailure("user " + user.get() + " needs a password: --password-file FILE, BATON_PASSWORD "
                    + "or \"password\" in the config file");
        }
        if (user.isEmpty() && password.isPresent()) {
            throw new CommandFailure("a password was given but no user: --user NAME, BATON_USER or \"user\" in the "
                    + "config file");
        }
        return new StoreSettings(endpoints, namespace, cacert, cert, key, user, password, List.copyOf(warnings));
    }

    /** The endpoints as written for people, e.g. {@code https://h:2379,https://g:2379}. */
    String endpoints() {
        return endpoints.stream().map(URI::toString).collect(Collectors.joining(","));
    }

    String namespace() {
        return namespace;
    }

    Optional<String> user() {
        return user;
    }

    Optional<Path> cacert() {
        return cacert;
    }

    /** Problems worth a warning that do not stop the command, e.g. a password file others can read. */
    List<String> warnings() {
        return warnings;
    }

    /** A connection builder with these settings; {@link Etcd.Builder#build()} checks the files. */
    Etcd.Builder builder() {
        Etcd.Builder builder = Etcd.builder().endpoints(endpoints.stream().map(URI::toString).toList());
        cacert.ifPresent(builder::trustedCa);
        cert.ifPresent(file -> builder.clientCertificate(file, key.orElseThrow()));
        user.ifPresent(name -> builder.credentials(name, password.orElseThrow()));
        return builder;
    }

    @Override
    public String toString() {
        return endpoints() + " namespace " + namespace + cacert.map(f -> " cacert " + f).orElse("")
                + cert.map(f -> " cert " + f).orElse("") + user.map(u -> " user " + u).orElse("");
    }

    private static String readPasswordFile(Path file, List<String> warnings) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CommandFailure("cannot read the password file " + file + ": " + (Files.exists(file)
                    ? "not readable by this user" : "it does not exist"), e);
        }
        String password = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (password.isEmpty()) {
            throw new CommandFailure("the password file " + file + " is empty");
        }
        warnIfOthersCanRead(file, warnings);
        return password;
    }

    private static void warnIfOthersCanRead(Path file, List<String> warnings) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                warnings.add(file + " holds a password and other users can read it; restrict it with: chmod 600 " + file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Without POSIX permissions there is nothing to check.
        }
    }

    private static Optional<Path> firstPath(Path flag, String environment, Optional<Path> config) {
        if (flag != null) {
            return Optional.of(flag);
        }
        if (nonBlank(environment)) {
            return Optional.of(Path.of(environment));
        }
        return config;
    }

    @SafeVarargs
    private static <T> Optional<Sourced<T>> first(Optional<Sourced<T>>... candidates) {
        return Stream.of(candidates).flatMap(Optional::stream).findFirst();
    }

    private static boolean nonBlank(String value) {
        return value != null && !value.isBlank();
    }

    /** A value and where it came from, for messages. */
    private record Sourced<T>(T value, String source) {
        static Optional<Sourced<String>> of(String value, String source) {
            return nonBlank(value) ? Optional.of(new Sourced<>(value, source)) : Optional.empty();
        }

        static Optional<Sourced<String>> of(Optional<String> value, String source) {
            return value.filter(StoreSettings::nonBlank).map(v -> new Sourced<>(v, source));
        }
    }
}
