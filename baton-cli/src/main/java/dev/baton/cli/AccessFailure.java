package dev.baton.cli;

import java.security.cert.CertificateExpiredException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;

/**
 * Says in one line why a store refused a client, when the cause is one the user can fix: a
 * wrong password, a missing user, a missing permission, a certificate the server or the client
 * does not accept, a store out of space. The line names the user and the files involved, never a
 * secret.
 *
 * <p>The causes are recognised from the error chain gRPC and etcd produce: etcd's own messages
 * ({@code etcdserver: authentication failed}, {@code permission denied}, {@code user name is
 * empty}, {@code mvcc: database space exceeded}), the embedded server's failed log write and the
 * JDK's TLS exceptions and alerts.
 */
final class AccessFailure {
    private AccessFailure() {
    }

    /**
     * The explanation of {@code error}, a failed request of a client connected with
     * {@code settings}, if it is an access problem.
     */
    static Optional<String> explain(Throwable error, StoreSettings settings) {
        String user = settings.user().map(name -> "user " + name).orElse("this client");
        String cacert = settings.cacert().map(Object::toString).orElse("--cacert");
        if (chain(error).anyMatch(CertificateExpiredException.class::isInstance)) {
            return Optional.of("untrusted server certificate: it has expired (TLS handshake with "
                    + settings.endpoints() + ")");
        }
        return chain(error).map(cause -> {
            String message = String.valueOf(cause.getMessage());
            if (message.contains("etcdserver: authentication failed")) {
                return Optional.of("authentication failed for " + user + ": wrong user name or password");
            }
            if (message.contains("etcdserver: user name is empty")) {
                return Optional.of("the store requires authentication: give --user NAME and --password-file FILE "
                        + "(or BATON_USER and BATON_PASSWORD)");
            }
            if (message.contains("etcdserver: permission denied")) {
                return Optional.of("permission denied: " + user + " may not read or write under " + settings.namespace()
                        + "/ (its role needs readwrite on that prefix; see docs/security.md)");
            }
            if (message.contains("etcdserver: mvcc: database space exceeded")) {
                return Optional.of("the store at " + settings.endpoints() + " is out of space (its NOSPACE alarm is "
                        + "raised): it refuses writes until space is freed (compact, defragment) and the alarm is "
                        + "disarmed (etcdctl alarm disarm); reads still work");
            }
            int logFailure = message.indexOf("the write-ahead log failed");
            if (logFailure >= 0) {
                return Optional.of("the store at " + settings.endpoints() + " cannot write: "
                        + message.substring(logFailure) + "; it refuses writes until space returns on its disk, "
                        + "then takes them again; reads still work");
            }
            return cause instanceof SSLException ? tls(message.toLowerCase(Locale.ROOT), settings, cacert)
                    : Optional.<String>empty();
        }).flatMap(Optional::stream).findFirst();
    }

    private static Stream<Throwable> chain(Throwable error) {
        return Stream.iterate(error, Objects::nonNull, Throwable::getCause);
    }

    private static Optional<String> tls(String message, StoreSettings settings, String cacert) {
        if (message.contains("certificate_expired")) {
            return Optional.of("the server refused the client certificate: it has expired");
        }
        if (message.contains("bad_certificate") || message.contains("certificate_required")
                || message.contains("unknown_ca") || message.contains("certificate_unknown")) {
            return Optional.of("the server refused the client certificate: none was given (--cert and --key), or "
                    + "it is not signed by a CA the server trusts");
        }
        if (message.contains("pkix path") || message.contains("unable to find valid certification path")) {
            return Optional.of("untrusted server certificate: it is not signed by the CA in " + cacert);
        }
        if (message.contains("no subject alternative") || message.contains("no name matching")) {
            return Optional.of("untrusted server certificate: it does not name the host of " + settings.endpoints());
        }
        if (message.contains("not an ssl/tls record") || message.contains("unsupported or unrecognized ssl message")) {
            return Optional.of("the server at " + settings.endpoints() + " does not speak TLS: use http:// endpoints");
        }
        return Optional.empty();
    }
}
