package dev.baton.etcd;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * The TLS side of a connection: the CA certificates that sign the servers' certificates and,
 * for mutual TLS, the client's certificate and private key, all PEM files.
 *
 * <p>{@link #sslContext()} reads every file at once, so a missing, unreadable or malformed file,
 * or a client certificate outside its validity period, fails when the connection is built,
 * naming the file, rather than at the first request with a handshake error.
 */
final class ClientTls {
    private final Path trustedCa;
    private final Optional<Path> certificate;
    private final Optional<Path> privateKey;

    ClientTls(Path trustedCa, Optional<Path> certificate, Optional<Path> privateKey) {
        this.trustedCa = trustedCa;
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    boolean mutual() {
        return certificate.isPresent();
    }

    /**
     * A gRPC client context trusting exactly the CA file's certificates (not the JDK's default
     * trust store), presenting the client certificate when there is one.
     *
     * @throws IllegalArgumentException naming the file that is missing, unreadable, malformed or expired
     */
    SslContext sslContext() {
        List<X509Certificate> authorities = certificates("CA file", trustedCa);
        SslContextBuilder builder = GrpcSslContexts.forClient().trustManager(authorities.toArray(X509Certificate[]::new));
        if (certificate.isPresent()) {
            Path cert = certificate.get();
            Path key = privateKey.orElseThrow();
            X509Certificate own = certificates("client certificate", cert).get(0);
            try {
                own.checkValidity();
            } catch (CertificateExpiredException e) {
                throw new IllegalArgumentException("client certificate " + cert + " expired on " + own.getNotAfter().toInstant()
                        + "; the server will refuse it", e);
            } catch (CertificateNotYetValidException e) {
                throw new IllegalArgumentException("client certificate " + cert + " is not valid before "
                        + own.getNotBefore().toInstant() + "; the server will refuse it", e);
            }
            requireReadable("private key", key);
            try {
                builder.keyManager(cert.toFile(), key.toFile());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot read the private key " + key + ": expected an unencrypted PEM "
                        + "PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert others with "
                        + "'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8'", e);
            }
        }
        try {
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot set up TLS with CA file " + trustedCa
                    + certificate.map(c -> ", client certificate " + c + " and key " + privateKey.orElseThrow()).orElse("")
                    + ": " + e.getMessage(), e);
        }
    }

    /** Reads every certificate of a PEM file; there must be at least one. */
    private static List<X509Certificate> certificates(String what, Path file) {
        requireReadable(what, file);
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate each : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) each);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(what + " " + file + " holds no PEM certificate");
            }
            return out;
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException(what + " " + file + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    static void requireReadable(String what, Path file) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(what + " " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + " " + file + " is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(what + " " + file + " is not readable by this user");
        }
    }
}
