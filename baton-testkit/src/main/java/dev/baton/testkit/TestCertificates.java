package dev.baton.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for tests: it writes its own certificate and the certificates it
 * issues as PEM files into a directory, so TLS tests need no {@code openssl} and no files
 * checked in.
 *
 * <p>Keys are ECDSA P-256, signatures SHA-256, private keys unencrypted PKCS#8 files readable
 * by their owner only. {@link #issueServer} certificates name {@code localhost},
 * {@code 127.0.0.1} and {@code ::1} (and may also authenticate as a client, as etcd's own
 * gateway requires); {@link #issueClient} certificates carry the common name etcd maps to a
 * user when it runs with {@code --client-cert-auth}. Valid certificates run from an hour ago to
 * a day from now; expired ones ended a day ago. Two authorities made by two calls of
 * {@link #authority} do not trust each other's certificates.
 *
 * <pre>{@code
 * TestCertificates ca = TestCertificates.authority("test-ca", dir);
 * CertificateFiles server = ca.issueServer("etcd");
 * CertificateFiles client = ca.issueClient("alice");
 * }</pre>
 *
 * <p>Methods are safe to call from several threads.
 */
public final class TestCertificates {
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final Duration LIFETIME = Duration.ofDays(1);

    private final String name;
    private final Path dir;
    private final KeyPair keys;
    private final X509Certificate certificate;
    private final Path caFile;
    private final AtomicLong serials = new AtomicLong(1);

    private TestCertificates(String name, Path dir) {
        this.name = name;
        this.dir = dir;
        this.keys = newKeyPair();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + name);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, nextSerial(),
                Date.from(now.minus(BACKDATE)), Date.from(now.plus(LIFETIME)), subject, keys.getPublic());
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the certificate of authority " + name, e);
        }
        this.certificate = sign(builder);
        this.caFile = dir.resolve(name + "-ca.pem");
        writePem(caFile, "CERTIFICATE", encoded(certificate), false);
    }

    /**
     * Creates a new authority named {@code name} (its certificate's common name) that writes its
     * files into {@code dir}, creating the directory when missing.
     */
    public static TestCertificates authority(String name, Path dir) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("authority name must be letters, digits, '.', '_' or '-': '" + name + "'");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return new TestCertificates(name, dir);
    }

    /** The authority's certificate, the file to pass as a trusted CA. */
    public Path caFile() {
        return caFile;
    }

    public X509Certificate caCertificate() {
        return certificate;
    }

    /** A server certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, valid now. */
    public CertificateFiles issueServer(String commonName) {
        return issue(commonName, true, Instant.now().minus(BACKDATE), Instant.now().plus(LIFETIME));
    }

    /** A server certificate like {@link #issueServer} whose validity ended a day ago. */
    public CertificateFiles issueExpiredServer(String commonName) {
        return issue(commonName, true, Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofDays(1)));
    }

    /** A client certificate for {@code commonName}, valid now. */
    public CertificateFiles issueClient(String commonName) {
        return issue(commonName, false, Instant.now().minus(BACKDATE), Instant.now().plus(LIFETIME));
    }

    /** A client certificate for {@code commonName} whose validity ended a day ago. */
    public CertificateFiles issueExpiredClient(String commonName) {
        return issue(commonName, false, Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofDays(1)));
    }

    /**
     * A TLS context that trusts this authority only and, when {@code identity} is present,
     * presents that certificate: for HTTPS probes of a server this authority certified.
     */
    public SSLContext sslContext(Optional<CertificateFiles> identity) {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry(name, certificate);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            KeyManagerFactory keysFactory = null;
            if (identity.isPresent()) {
                char[] password = new char[0];
                KeyStore own = KeyStore.getInstance("PKCS12");
                own.load(null, null);
                own.setKeyEntry("identity", readPrivateKey(identity.get().privateKey()), password,
                        readCertificates(identity.get().certificate()).toArray(Certificate[]::new));
                keysFactory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keysFactory.init(own, password);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keysFactory == null ? null : keysFactory.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context trusting " + caFile, e);
        }
    }

    private CertificateFiles issue(String commonName, boolean server, Instant notBefore, Instant notAfter) {
        if (commonName == null || !commonName.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("common name must be letters, digits, '.', '_' or '-': '" + commonName + "'");
        }
        KeyPair subjectKeys = newKeyPair();
        BigInteger serial = nextSerial();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial,
                Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + commonName), subjectKeys.getPublic());
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            KeyPurposeId[] purposes = server
                    ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
                    : new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth};
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(certificate))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(subjectKeys.getPublic()));
            if (server) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1")}));
            }
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the certificate of " + commonName, e);
        }
        X509Certificate issued = sign(builder);
        String base = commonName + "-" + serial;
        Path certificateFile = dir.resolve(base + ".pem");
        Path keyFile = dir.resolve(base + "-key.pem");
        writePem(certificateFile, "CERTIFICATE", encoded(issued), false);
        writePem(keyFile, "PRIVATE KEY", subjectKeys.getPrivate().getEncoded(), true);
        return new CertificateFiles(certificateFile, keyFile);
    }

    private BigInteger nextSerial() {
        return BigInteger.valueOf(System.nanoTime() & 0xFFFFFFFFL).shiftLeft(16).add(BigInteger.valueOf(serials.getAndIncrement()));
    }

    private X509Certificate sign(X509v3CertificateBuilder builder) {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(SIGNATURE).build(keys.getPrivate())));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("authority " + name + " cannot sign a certificate", e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate P-256 keys", e);
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode " + certificate.getSubjectX500Principal(), e);
        }
    }

    private static void writePem(Path file, String type, byte[] der, boolean ownerOnly) {
        String pem = "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        try {
            Files.deleteIfExists(file);
            if (ownerOnly) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(file, pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        try (var in = Files.newInputStream(file)) {
            for (Certificate each : factory.generateCertificates(in)) {
                out.add((X509Certificate) each);
            }
        }
        return out;
    }

    private static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        String base64 = Files.readString(file, StandardCharsets.US_ASCII)
                .replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
