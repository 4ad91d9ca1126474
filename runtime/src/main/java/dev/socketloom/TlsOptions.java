package dev.socketloom;

import dev.socketloom.internal.tls.TlsContexts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * Immutable TLS settings (SocketWrench's {@code INET_OPTION_SECURE} and its security credentials) for clients
 * ({@link ConnectOptions.Builder#tls}), servers ({@link ServerOptions.Builder#tls}) and
 * {@link Connection#startTls(TlsOptions)}. TLS is the JDK's own ({@code SSLSocket}); nothing else is needed.
 *
 * <p><b>Defaults.</b> TLS 1.3 and 1.2 only (never older); the JDK's cipher suites; the JDK's default trust store; no
 * key material; no client authentication; no ALPN; handshake timeout 10 s; close_notify timeout 1 s. A client
 * verifies the server's certificate chain <em>and</em> that the certificate was issued for the host name it
 * connected to (endpoint identification as in HTTPS), and sends that host name as SNI. Turning verification off takes
 * an explicit call ({@link Builder#trustAll()} or {@link Builder#verifyHostName(boolean) verifyHostName(false)}).
 * A server needs key material: {@link Builder#keyMaterial(Path, Path) PEM files}, a {@link Builder#keyStore(Path,
 * char[]) PKCS#12 keystore} or a ready {@link Builder#sslContext(SSLContext) SSLContext}.
 *
 * <p><b>Lifecycle.</b> {@link Builder#build()} reads every file and creates the {@link SSLContext} at once, so a
 * missing file, a wrong password or a key that does not match its certificate fails there, with
 * {@link InetError#TLS_CONFIGURATION_INVALID}, not at the first handshake. The options then never change: to rotate a
 * certificate, build new options (for example {@code old.toBuilder().build()}, which reads the same files again) and
 * hand them to {@link Server#reloadTls(TlsOptions)}. Connections keep the options they shook hands with.
 *
 * <p><b>Threading.</b> Instances are immutable and thread-safe and may be shared by any number of connections and
 * servers; the handshakes that use them run on each connection's own thread. The {@link Builder} is not thread-safe.
 */
public final class TlsOptions {
    /** Client authentication a server requests (mutual TLS); ignored by clients. */
    public enum ClientAuth {
        /** No client certificate is requested. */
        NONE,
        /** A client certificate is requested; a client without one is still accepted. */
        OPTIONAL,
        /** A valid client certificate is required; a client without one fails with CERTIFICATE_REQUIRED. */
        REQUIRED
    }

    /** The protocol versions that may be enabled, newest first: TLS 1.3 and TLS 1.2. */
    public static final List<String> SUPPORTED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final SSLContext context;
    /** A copy of the builder that made these options: their settings, and their sources for {@link #toBuilder()}. */
    private final Builder source;

    private TlsOptions(Builder b, SSLContext context) {
        this.context = context;
        this.source = new Builder(b);
    }

    /** {@return a builder starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder with the same settings and sources: its {@link Builder#build()} reads the same files again (what a
     * certificate rotation needs) or reuses the same {@link SSLContext}.
     *
     * @return a new builder with these options' settings and sources
     */
    public Builder toBuilder() {
        return new Builder(source);
    }

    /**
     * The TLS context these options built (or were given). SocketLoom configures each socket's protocols, suites,
     * client authentication, ALPN and host-name check itself; use the context to share trust with other code, do not
     * reconfigure it.
     *
     * @return the TLS context
     */
    public SSLContext sslContext() { return context; }

    /** {@return whether key material (a certificate and its key, or a ready context) is configured: servers need it} */
    public boolean hasKeyMaterial() { return source.keys != null || source.context != null; }

    /** {@return whether every peer certificate is accepted unverified ({@link Builder#trustAll()})} */
    public boolean trustsAll() { return source.trustAll; }

    /** {@return the enabled protocol versions, a non-empty subset of {@link #SUPPORTED_PROTOCOLS}} */
    public List<String> protocols() { return source.protocols; }

    /** {@return the enabled cipher suites in preference order; empty for the JDK's defaults} */
    public List<String> cipherSuites() { return source.cipherSuites; }

    /** {@return the client authentication a server requests} */
    public ClientAuth clientAuth() { return source.clientAuth; }

    /**
     * {@return the ALPN protocols in preference order (for example {@code h2}, {@code http/1.1}); empty for no
     * ALPN}
     */
    public List<String> applicationProtocols() { return source.applicationProtocols; }

    /**
     * Upper bound on the whole handshake, from its first byte to its last, on each side. A peer that stalls, or sends
     * one byte at a time, is disconnected when it expires ({@link InetError#TIMEOUT}).
     *
     * @return the handshake timeout
     */
    public Duration handshakeTimeout() { return source.handshakeTimeout; }

    /**
     * How long a graceful disconnect may spend sending close_notify to a peer that does not read (its send buffer
     * full) before the TCP connection is closed without it; also capped at half the connection's join deadline.
     *
     * @return the close_notify timeout
     */
    public Duration closeNotifyTimeout() { return source.closeNotifyTimeout; }

    /** {@return the host name a client sends as SNI and verifies, or {@code null} for the host it connects to} */
    public String serverName() { return source.serverName; }

    /** {@return whether a client checks that the server certificate matches the host name (endpoint identification)} */
    public boolean verifyHostName() { return source.verifyHostName && !source.trustAll; }

    @Override
    public String toString() {
        return "TlsOptions{protocols=" + protocols() + ", cipherSuites=" + (cipherSuites().isEmpty() ? "default"
                : cipherSuites()) + ", clientAuth=" + clientAuth() + ", alpn=" + applicationProtocols()
                + ", keyMaterial=" + hasKeyMaterial() + ", trust=" + (trustsAll() ? "ALL (unsafe)" : source.trustName)
                + ", verifyHostName=" + verifyHostName() + ", handshakeTimeout=" + handshakeTimeout() + '}';
    }

    /** Loads key or trust managers when the options are built. */
    @FunctionalInterface
    private interface Loader<T> {
        T load() throws InetException;
    }

    /**
     * Mutable, single-threaded builder of {@link TlsOptions}. Setters validate their arguments at once
     * ({@link IllegalArgumentException}); {@link #build()} loads the material.
     */
    public static final class Builder {
        private Loader<KeyManager[]> keys;
        private Loader<TrustManager[]> trust;
        private String trustName = "JDK default";
        private SSLContext context;
        private boolean trustAll;
        private List<String> protocols = SUPPORTED_PROTOCOLS;
        private List<String> cipherSuites = List.of();
        private ClientAuth clientAuth = ClientAuth.NONE;
        private List<String> applicationProtocols = List.of();
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration closeNotifyTimeout = Duration.ofSeconds(1);
        private String serverName;
        private boolean verifyHostName = true;

        private Builder() {
        }

        private Builder(Builder b) {
            keys = b.keys;
            trust = b.trust;
            trustName = b.trustName;
            context = b.context;
            trustAll = b.trustAll;
            protocols = b.protocols;
            cipherSuites = b.cipherSuites;
            clientAuth = b.clientAuth;
            applicationProtocols = b.applicationProtocols;
            handshakeTimeout = b.handshakeTimeout;
            closeNotifyTimeout = b.closeNotifyTimeout;
            serverName = b.serverName;
            verifyHostName = b.verifyHostName;
        }

        /**
         * This side's certificate chain (PEM, leaf first, then intermediates) and private key (PEM: PKCS#8
         * {@code PRIVATE KEY}, PKCS#1 {@code RSA PRIVATE KEY} or SEC1 {@code EC PRIVATE KEY}; unencrypted). The
         * files are read by {@link #build()}.
         *
         * @param certificateChainPem the PEM file of the certificate chain, leaf first
         * @param privateKeyPem       the PEM file of the unencrypted private key
         * @return this builder
         */
        public Builder keyMaterial(Path certificateChainPem, Path privateKeyPem) {
            return keyMaterial(certificateChainPem, privateKeyPem, null);
        }

        /**
         * As {@link #keyMaterial(Path, Path)}; the key may also be an encrypted PKCS#8 key ({@code BEGIN ENCRYPTED
         * PRIVATE KEY}, as {@code openssl pkcs8 -topk8} writes it). A wrong or missing password fails {@link #build()}
         * with {@code TLS_CONFIGURATION_INVALID}.
         *
         * @param certificateChainPem the PEM file of the certificate chain, leaf first
         * @param privateKeyPem       the PEM file of the private key
         * @param keyPassword         the password of an encrypted key, or null; copied
         * @return this builder
         */
        public Builder keyMaterial(Path certificateChainPem, Path privateKeyPem, char[] keyPassword) {
            Objects.requireNonNull(certificateChainPem, "certificateChainPem");
            Objects.requireNonNull(privateKeyPem, "privateKeyPem");
            char[] copy = keyPassword == null ? null : keyPassword.clone();
            keys = () -> TlsContexts.pemKey(TlsContexts.read(certificateChainPem), TlsContexts.read(privateKeyPem),
                    copy, certificateChainPem + " / " + privateKeyPem);
            return this;
        }

        /**
         * As {@link #keyMaterial(Path, Path)}, from PEM text instead of files.
         *
         * @param certificateChainPem the certificate chain as PEM text, leaf first
         * @param privateKeyPem       the unencrypted private key as PEM text
         * @return this builder
         */
        public Builder keyMaterialPem(String certificateChainPem, String privateKeyPem) {
            Objects.requireNonNull(certificateChainPem, "certificateChainPem");
            Objects.requireNonNull(privateKeyPem, "privateKeyPem");
            keys = () -> TlsContexts.pemKey(certificateChainPem, privateKeyPem, null, "PEM text");
            return this;
        }

        /**
         * This side's certificate and key from a keystore file (PKCS#12, or JKS), read by {@link #build()}.
         *
         * @param keyStore the keystore file
         * @param password the keystore password, or null; copied
         * @return this builder
         */
        public Builder keyStore(Path keyStore, char[] password) {
            Objects.requireNonNull(keyStore, "keyStore");
            char[] copy = password == null ? null : password.clone();
            keys = () -> TlsContexts.storeKey(keyStore, copy);
            return this;
        }

        /**
         * Trusts exactly the CA certificates of a PEM bundle file (instead of the JDK's default trust store).
         *
         * @param caBundle the PEM file of the CA certificates
         * @return this builder
         */
        public Builder trustPem(Path caBundle) {
            Objects.requireNonNull(caBundle, "caBundle");
            return trust(() -> TlsContexts.pemTrust(TlsContexts.read(caBundle), caBundle.toString()),
                    caBundle.toString());
        }

        /**
         * As {@link #trustPem(Path)}, from PEM text.
         *
         * @param caBundlePem the CA certificates as PEM text
         * @return this builder
         */
        public Builder trustPemText(String caBundlePem) {
            Objects.requireNonNull(caBundlePem, "caBundlePem");
            return trust(() -> TlsContexts.pemTrust(caBundlePem, "PEM text"), "PEM text");
        }

        /**
         * Trusts the certificates of a keystore file (PKCS#12 or JKS).
         *
         * @param trustStore the keystore file
         * @param password   the keystore password, or null; copied
         * @return this builder
         */
        public Builder trustStore(Path trustStore, char[] password) {
            Objects.requireNonNull(trustStore, "trustStore");
            char[] copy = password == null ? null : password.clone();
            return trust(() -> TlsContexts.storeTrust(trustStore, copy), trustStore.toString());
        }

        private Builder trust(Loader<TrustManager[]> loader, String name) {
            trust = loader;
            trustName = name;
            trustAll = false;
            return this;
        }

        /**
         * Trusts what the JDK trusts by default ({@code cacerts}); the default.
         *
         * @return this builder
         */
        public Builder trustJdkDefault() {
            return trust(null, "JDK default");
        }

        /**
         * <b>Unsafe:</b> accepts every peer certificate without any check (chain, expiry, host name), so anyone on
         * the path can impersonate the peer. Only for tests and for talking to a known host over a trusted network
         * (SocketWrench {@code INET_OPTION_TRUSTEDSITE}). The connection is still encrypted.
         *
         * @return this builder
         */
        public Builder trustAll() {
            trust = TlsContexts::trustAll;
            trustName = "ALL";
            trustAll = true;
            return this;
        }

        /**
         * A ready TLS context carrying key and trust material; replaces every key and trust setting. Protocols,
         * suites, client authentication, ALPN and the host-name check still come from these options.
         *
         * @param sslContext the TLS context; not null
         * @return this builder
         */
        public Builder sslContext(SSLContext sslContext) {
            context = Objects.requireNonNull(sslContext, "sslContext");
            trustAll = false; // the context's trust decides (a later trustAll() still turns the host-name check off)
            return this;
        }

        /**
         * Enabled protocol versions; each must be one of {@link #SUPPORTED_PROTOCOLS}.
         *
         * @param versions the protocol versions, at least one
         * @return this builder
         */
        public Builder protocols(String... versions) {
            protocols = Checks.subset(List.of(versions), SUPPORTED_PROTOCOLS, "protocols");
            return this;
        }

        /**
         * Enabled cipher suites in preference order (JDK names); none restores the JDK's defaults.
         *
         * @param suites the cipher suite names
         * @return this builder
         */
        public Builder cipherSuites(String... suites) {
            cipherSuites = List.of(suites);
            return this;
        }

        /**
         * Client authentication requested by a server.
         *
         * @param auth the client authentication; not null
         * @return this builder
         */
        public Builder clientAuth(ClientAuth auth) {
            clientAuth = Objects.requireNonNull(auth, "clientAuth");
            return this;
        }

        /**
         * ALPN protocols in preference order; none disables ALPN.
         *
         * @param names the protocol names, 1..255 bytes each
         * @return this builder
         */
        public Builder applicationProtocols(String... names) {
            applicationProtocols = Checks.alpnNames(names);
            return this;
        }

        /**
         * See {@link TlsOptions#handshakeTimeout()}; must be positive.
         *
         * @param timeout the handshake timeout
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            handshakeTimeout = Checks.positive(timeout, "handshakeTimeout");
            return this;
        }

        /**
         * See {@link TlsOptions#closeNotifyTimeout()}; zero closes without close_notify.
         *
         * @param timeout the close_notify timeout; not negative
         * @return this builder
         */
        public Builder closeNotifyTimeout(Duration timeout) {
            closeNotifyTimeout = Checks.timeout(timeout, "closeNotifyTimeout");
            return this;
        }

        /**
         * The SNI host name a client sends and verifies instead of the host it connects to; null restores that.
         *
         * @param hostName a valid SNI host name, or null
         * @return this builder
         */
        public Builder serverName(String hostName) {
            serverName = hostName == null ? null : Checks.sniHostName(hostName);
            return this;
        }

        /**
         * Whether a client checks the server certificate against the host name (default true). <b>Turning it off is
         * unsafe</b>: any certificate the trust material accepts then passes for any host.
         *
         * @param on whether to verify the host name
         * @return this builder
         */
        public Builder verifyHostName(boolean on) {
            verifyHostName = on;
            return this;
        }

        /**
         * Reads the key and trust material and creates the TLS context.
         *
         * @return the immutable options
         * @throws InetException TLS_CONFIGURATION_INVALID for unreadable or malformed material, a wrong password, a key
         *                       that does not match its certificate, or a cipher suite this JDK does not support
         */
        public TlsOptions build() throws InetException {
            SSLContext ctx = context != null ? context
                    : TlsContexts.context(keys == null ? null : keys.load(),
                            trust == null ? TlsContexts.defaultTrust() : trust.load());
            TlsContexts.requireSupported(ctx, cipherSuites);
            return new TlsOptions(this, ctx);
        }
    }
}
