package dev.socketloom.internal.tls;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Turns key and trust material into the JDK objects a {@link SSLContext} is made of: key managers from PEM text or a
 * keystore file, trust managers from a PEM CA bundle, a keystore file, the JDK's default, or none at all
 * ({@link #trustAll()}). Everything is read once, when {@code TlsOptions} are built; stateless otherwise.
 *
 * <p>Every failure is an {@link InetException} with {@code TLS_CONFIGURATION_INVALID} naming the file or source, so
 * a bad certificate path fails when the options are built, not at the first handshake.
 */
public final class TlsContexts {
    private static final char[] NO_PASSWORD = new char[0];

    private TlsContexts() {
    }

    /**
     * A key manager for the chain and key in PEM text ({@code keyPassword}: of an encrypted PKCS#8 key, or null);
     * checks that the key belongs to the leaf certificate.
     */
    public static KeyManager[] pemKey(String chainPem, String keyPem, char[] keyPassword, String source)
            throws InetException {
        List<X509Certificate> chain = Pem.certificates(chainPem, source + " (certificate chain)");
        PrivateKey key = Pem.privateKey(keyPem, keyPassword, source + " (private key)");
        requireMatch(key, chain.get(0).getPublicKey(), source);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
            return keyManagers(ks, NO_PASSWORD);
        } catch (GeneralSecurityException | IOException e) {
            throw Pem.invalid(source + ": " + e.getMessage(), e);
        }
    }

    /** A key manager for a keystore file (PKCS#12, or any type the JDK recognises from the file). */
    public static KeyManager[] storeKey(Path file, char[] password) throws InetException {
        KeyStore ks = load(file, password);
        try {
            return keyManagers(ks, password);
        } catch (GeneralSecurityException e) {
            throw Pem.invalid(file + ": " + e.getMessage(), e);
        }
    }

    /** A trust manager that trusts exactly the certificates in the PEM text (a CA bundle). */
    public static TrustManager[] pemTrust(String bundle, String source) throws InetException {
        List<X509Certificate> cas = Pem.certificates(bundle, source);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate ca : cas) {
                ks.setCertificateEntry("ca-" + i++, ca);
            }
            return trustManagers(ks);
        } catch (GeneralSecurityException | IOException e) {
            throw Pem.invalid(source + ": " + e.getMessage(), e);
        }
    }

    /** A trust manager that trusts the certificates of a keystore file. */
    public static TrustManager[] storeTrust(Path file, char[] password) throws InetException {
        try {
            return trustManagers(load(file, password));
        } catch (GeneralSecurityException e) {
            throw Pem.invalid(file + ": " + e.getMessage(), e);
        }
    }

    /** The JDK's default trust (its {@code cacerts}, or {@code javax.net.ssl.trustStore}). */
    public static TrustManager[] defaultTrust() throws InetException {
        try {
            return trustManagers(null);
        } catch (GeneralSecurityException e) {
            throw Pem.invalid("the JDK's default trust store: " + e.getMessage(), e);
        }
    }

    /**
     * A trust manager that accepts every certificate. It is an {@link X509ExtendedTrustManager}, so the JDK does not
     * wrap it with its own host-name check either: nothing at all is verified.
     */
    public static TrustManager[] trustAll() {
        return new TrustManager[] {TrustAll.INSTANCE};
    }

    /**
     * A TLS context over the given managers ({@code null} keys: none; {@code null} trust: the JDK default). The key
     * manager is wrapped so that a client learns when a server asked for a certificate it did not have.
     */
    public static SSLContext context(KeyManager[] keys, TrustManager[] trust) throws InetException {
        try {
            X509KeyManager delegate = null;
            if (keys != null) {
                for (KeyManager k : keys) {
                    if (k instanceof X509KeyManager x) {
                        delegate = x;
                        break;
                    }
                }
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[] {new RequestRecorder(delegate)}, trust, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw Pem.invalid("cannot create a TLS context: " + e.getMessage(), e);
        }
    }

    /** Fails with TLS_CONFIGURATION_INVALID unless {@code context} supports every one of {@code cipherSuites}. */
    public static void requireSupported(SSLContext context, List<String> cipherSuites) throws InetException {
        List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getCipherSuites());
        for (String s : cipherSuites) {
            if (!supported.contains(s)) {
                throw new InetException(InetError.TLS_CONFIGURATION_INVALID, "cipher suite " + s
                        + " is not supported by this JDK");
            }
        }
    }

    /** Reads a text file (PEM) as UTF-8. */
    public static String read(Path file) throws InetException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw Pem.invalid("cannot read " + file + ": " + e, e);
        }
    }

    private static KeyStore load(Path file, char[] password) throws InetException {
        try {
            return KeyStore.getInstance(file.toFile(), password == null ? NO_PASSWORD : password);
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw Pem.invalid("cannot load keystore " + file + " (wrong password or not a keystore?): "
                    + e.getMessage(), e);
        }
    }

    private static KeyManager[] keyManagers(KeyStore ks, char[] password) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password == null ? NO_PASSWORD : password);
        return kmf.getKeyManagers();
    }

    private static TrustManager[] trustManagers(KeyStore ks) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf.getTrustManagers();
    }

    /** Signs and verifies one message: a key that does not belong to its certificate fails here, not in handshakes. */
    private static void requireMatch(PrivateKey key, PublicKey pub, String source) throws InetException {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null; // other algorithms: the first handshake tells
        };
        if (alg == null) {
            return;
        }
        try {
            byte[] probe = "socketloom key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(probe);
            if (v.verify(sig)) {
                return;
            }
        } catch (GeneralSecurityException | RuntimeException mismatch) {
            // reported below
        }
        throw Pem.invalid(source + ": the private key does not belong to the first certificate of the chain", null);
    }

    /**
     * This side's key manager ({@code null}: no key material), telling {@link TlsLayer#certificateRequested} when a
     * server asks a client for a certificate.
     */
    private static final class RequestRecorder extends X509ExtendedKeyManager {
        private final X509KeyManager keys;

        RequestRecorder(X509KeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            String alias = keys == null ? null : keys.chooseClientAlias(keyType, issuers, socket);
            TlsLayer.certificateRequested(socket, alias != null);
            return alias;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return keys instanceof X509ExtendedKeyManager x ? x.chooseEngineClientAlias(keyType, issuers, engine)
                    : null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return keys == null ? null : keys.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return keys instanceof X509ExtendedKeyManager x ? x.chooseEngineServerAlias(keyType, issuers, engine)
                    : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return keys == null ? null : keys.getClientAliases(keyType, issuers);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return keys == null ? null : keys.getServerAliases(keyType, issuers);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys == null ? null : keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys == null ? null : keys.getPrivateKey(alias);
        }
    }

    /** Verifies nothing; see {@link #trustAll()}. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        static final TrustAll INSTANCE = new TrustAll();

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
