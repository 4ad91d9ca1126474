package dev.socketloom.testing;

import dev.socketloom.InetException;
import dev.socketloom.TlsOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import javax.security.auth.x500.X500Principal;

/**
 * A throwaway PKI made when the tests run (nothing committed can expire): one CA and the identities the TLS tests
 * need, all EC P-256 (fast to make) except one RSA server. Certificates are encoded here with {@link Der} and signed
 * with the JDK's {@link Signature}, so no external tool is needed; PEM and PKCS#12 files of each are written to a
 * temporary directory deleted when the JVM exits.
 *
 * <p>Made once per JVM ({@link #get()}); immutable afterwards and safe to share.
 */
public final class TestPki {
    private static final String EC_SHA256 = "1.2.840.10045.4.3.2";
    private static final String P256 = "1.2.840.10045.3.1.7";
    private static final String PBES2 = "1.2.840.113549.1.5.13";
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
    private static TestPki instance;

    /** A certificate chain (leaf first) and its private key, with PEM files written for it. */
    public record Identity(String name, List<X509Certificate> chain, PrivateKey key, Path certFile, Path keyFile) {
        /** The chain as PEM text. */
        public String chainPem() {
            StringBuilder sb = new StringBuilder();
            for (X509Certificate c : chain) {
                sb.append(pem("CERTIFICATE", encoded(c)));
            }
            return sb.toString();
        }

        /** The key as PKCS#8 PEM text. */
        public String keyPem() {
            return pem("PRIVATE KEY", key.getEncoded());
        }

        /** TLS options presenting this identity and trusting the test CA. */
        public TlsOptions.Builder options(TestPki pki) {
            return TlsOptions.builder().keyMaterial(certFile, keyFile).trustPem(pki.caFile);
        }
    }

    public final Path dir;
    /** The test CA's certificate (PEM): what clients and mTLS servers trust. */
    public final Path caFile;
    public final Identity ca;
    /** A server for {@code localhost} and {@code 127.0.0.1}. */
    public final Identity server;
    /** A second server certificate for the same names (certificate rotation). */
    public final Identity server2;
    /** A client certificate (mutual TLS). */
    public final Identity client;
    /** A server certificate whose validity ended yesterday. */
    public final Identity expired;
    /** A server certificate for {@code other.example} only. */
    public final Identity wrongHost;
    /** A server certificate signed by a CA nobody trusts. */
    public final Identity untrusted;
    /** A server with an RSA key (for the PKCS#1 {@code RSA PRIVATE KEY} form). */
    public final Identity rsaServer;

    private TestPki() throws GeneralSecurityException, IOException {
        dir = Files.createTempDirectory("socketloom-pki");
        dir.toFile().deleteOnExit();
        Instant now = Instant.now();
        Instant from = now.minus(Duration.ofDays(1));
        Instant to = now.plus(Duration.ofDays(30));
        KeyPair caKeys = ec();
        ca = identity("ca", "CN=SocketLoom Test CA", caKeys, null, null, from, to, true, List.of());
        caFile = ca.certFile;
        List<String> local = List.of("DNS:localhost", "IP:127.0.0.1");
        server = identity("server", "CN=localhost", ec(), ca, caKeys.getPrivate(), from, to, false, local);
        server2 = identity("server2", "CN=localhost rotated", ec(), ca, caKeys.getPrivate(), from, to, false, local);
        client = identity("client", "CN=test client", ec(), ca, caKeys.getPrivate(), from, to, false, List.of());
        expired = identity("expired", "CN=localhost expired", ec(), ca, caKeys.getPrivate(),
                now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)), false, local);
        wrongHost = identity("wronghost", "CN=other.example", ec(), ca, caKeys.getPrivate(), from, to, false,
                List.of("DNS:other.example"));
        KeyPair otherCaKeys = ec();
        Identity otherCa = identity("otherca", "CN=Untrusted CA", otherCaKeys, null, null, from, to, true, List.of());
        untrusted = identity("untrusted", "CN=localhost untrusted", ec(), otherCa, otherCaKeys.getPrivate(), from, to,
                false, local);
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        rsaServer = identity("rsaserver", "CN=localhost rsa", rsa.generateKeyPair(), ca, caKeys.getPrivate(), from,
                to, false, local);
    }

    /** The PKI of this JVM, made on first use. */
    public static synchronized TestPki get() {
        if (instance == null) {
            try {
                instance = new TestPki();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot make the test PKI", e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** Server options presenting {@link #server}. */
    public TlsOptions serverTls() throws InetException {
        return server.options(this).build();
    }

    /** Client options trusting the test CA (and verifying host names, the default). */
    public TlsOptions clientTls() throws InetException {
        return TlsOptions.builder().trustPem(caFile).build();
    }

    /** Writes {@code id} as a PKCS#12 keystore protected by {@code password}. */
    public Path pkcs12(Identity id, char[] password) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(id.name, id.key, password, id.chain.toArray(new X509Certificate[0]));
        Path file = Files.createTempFile(dir, id.name, ".p12");
        file.toFile().deleteOnExit();
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password);
        }
        return file;
    }

    /**
     * {@code key} as an encrypted PKCS#8 PEM block ({@code BEGIN ENCRYPTED PRIVATE KEY}), encrypted by the JDK with
     * PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) as OpenSSL 3 writes it.
     */
    public static String encryptedKeyPem(PrivateKey key, char[] password)
            throws GeneralSecurityException, IOException {
        String algorithm = "PBEWithHmacSHA256AndAES_256";
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        SecureRandom random = new SecureRandom();
        random.nextBytes(salt);
        random.nextBytes(iv);
        Cipher cipher = Cipher.getInstance(algorithm);
        cipher.init(Cipher.ENCRYPT_MODE, SecretKeyFactory.getInstance(algorithm).generateSecret(
                new PBEKeySpec(password)), new PBEParameterSpec(salt, 10_000, new IvParameterSpec(iv)));
        byte[] encrypted = cipher.doFinal(key.getEncoded());
        // EncryptedPrivateKeyInfo ::= SEQUENCE { SEQUENCE { id-PBES2, PBES2-params }, OCTET STRING }, written out
        // because the JDK's EncryptedPrivateKeyInfo(AlgorithmParameters, byte[]) does not name PBES2 schemes
        byte[] der = Der.sequence(Der.sequence(Der.oid(PBES2), cipher.getParameters().getEncoded()),
                Der.octets(encrypted));
        new EncryptedPrivateKeyInfo(der); // well formed as the JDK reads it
        return pem("ENCRYPTED PRIVATE KEY", der);
    }

    /** The key of {@code id} in the traditional form: PKCS#1 {@code RSA PRIVATE KEY} or SEC1 {@code EC PRIVATE KEY}. */
    public static String traditionalKeyPem(Identity id) {
        if (id.key instanceof RSAPrivateCrtKey k) {
            return pem("RSA PRIVATE KEY", Der.sequence(Der.integer(0), Der.integer(k.getModulus()),
                    Der.integer(k.getPublicExponent()), Der.integer(k.getPrivateExponent()),
                    Der.integer(k.getPrimeP()), Der.integer(k.getPrimeQ()), Der.integer(k.getPrimeExponentP()),
                    Der.integer(k.getPrimeExponentQ()), Der.integer(k.getCrtCoefficient())));
        }
        ECPrivateKey k = (ECPrivateKey) id.key;
        byte[] s = k.getS().toByteArray();
        byte[] d = new byte[32];
        System.arraycopy(s, Math.max(0, s.length - 32), d, Math.max(0, 32 - s.length), Math.min(32, s.length));
        return pem("EC PRIVATE KEY", Der.sequence(Der.integer(1), Der.octets(d), Der.explicit(0, Der.oid(P256))));
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private Identity identity(String name, String subject, KeyPair keys, Identity issuer, PrivateKey issuerKey,
                              Instant from, Instant to, boolean isCa, List<String> sans)
            throws GeneralSecurityException, IOException {
        X500Principal subjectName = new X500Principal(subject);
        X500Principal issuerName = issuer == null ? subjectName : issuer.chain.get(0).getSubjectX500Principal();
        PrivateKey signer = issuer == null ? keys.getPrivate() : issuerKey;
        List<byte[]> ext = new ArrayList<>();
        ext.add(extension("2.5.29.19", true, isCa ? Der.sequence(Der.bool(true)) : Der.sequence()));
        // keyUsage: keyCertSign+cRLSign for the CA; digitalSignature+keyEncipherment for leaves
        ext.add(extension("2.5.29.15", true, isCa ? Der.tlv(0x03, new byte[] {1, 0x06})
                : Der.tlv(0x03, new byte[] {5, (byte) 0xa0})));
        if (!isCa) {
            ext.add(extension("2.5.29.37", false, Der.sequence(Der.oid("1.3.6.1.5.5.7.3.1"),
                    Der.oid("1.3.6.1.5.5.7.3.2"))));
        }
        if (!sans.isEmpty()) {
            List<byte[]> names = new ArrayList<>();
            for (String san : sans) {
                names.add(san.startsWith("DNS:")
                        ? Der.tlv(0x82, san.substring(4).getBytes(StandardCharsets.US_ASCII))
                        : Der.tlv(0x87, InetAddress.getByName(san.substring(3)).getAddress()));
            }
            ext.add(extension("2.5.29.17", false, Der.sequence(names.toArray(new byte[0][]))));
        }
        byte[] algorithm = Der.sequence(Der.oid(EC_SHA256));
        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(2)),
                Der.integer(BigInteger.valueOf(SERIALS.incrementAndGet())),
                algorithm,
                issuerName.getEncoded(),
                Der.sequence(Der.time(Date.from(from)), Der.time(Date.from(to))),
                subjectName.getEncoded(),
                keys.getPublic().getEncoded(),
                Der.explicit(3, Der.sequence(ext.toArray(new byte[0][]))));
        Signature sig = Signature.getInstance("SHA256withECDSA");
        sig.initSign(signer);
        sig.update(tbs);
        byte[] der = Der.sequence(tbs, algorithm, Der.bits(sig.sign()));
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(cert);
        if (issuer != null) {
            chain.addAll(issuer.chain);
        }
        Path certFile = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        StringBuilder chainPem = new StringBuilder();
        for (X509Certificate c : chain) {
            chainPem.append(pem("CERTIFICATE", c.getEncoded()));
        }
        Files.writeString(certFile, chainPem);
        Files.writeString(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        certFile.toFile().deleteOnExit();
        keyFile.toFile().deleteOnExit();
        return new Identity(name, List.copyOf(chain), keys.getPrivate(), certFile, keyFile);
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octets(value))
                : Der.sequence(Der.oid(oid), Der.octets(value));
    }
}
