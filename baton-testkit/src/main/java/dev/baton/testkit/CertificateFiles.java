package dev.baton.testkit;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A certificate and its private key as PEM files: the certificate ({@code CERTIFICATE}) and an
 * unencrypted PKCS#8 key ({@code PRIVATE KEY}), the formats etcd, etcdctl, gRPC and Baton read.
 */
public record CertificateFiles(Path certificate, Path privateKey) {
    public CertificateFiles {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
    }
}
