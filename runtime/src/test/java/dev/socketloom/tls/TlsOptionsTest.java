package dev.socketloom.tls;

import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.SocketRuntime;
import dev.socketloom.TlsOptions;
import dev.socketloom.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TlsOptions: safe defaults, every supported form of key and trust material produces a working server, and every bad
 * input fails when the options are built with TLS_CONFIGURATION_INVALID (or at the setter, IllegalArgumentException).
 */
class TlsOptionsTest {
    private static final TestPki PKI = TestPki.get();

    private static void servesAHandshake(TlsOptions server) throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(server).build(), LINE_ECHO);
            try (Connection c = rt.connect("localhost", s.port(), ConnectOptions.builder().tls(PKI.clientTls())
                    .build())) {
                c.writeLine("works");
                assertEquals("works", c.readLine());
            }
        }
    }

    private static Path write(String name, String text) throws Exception {
        Path p = Files.createTempFile(PKI.dir, name, ".pem");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void defaultsAreTls13And12OnlyVerifiedHostNamesNoClientAuthAndTenSecondHandshakes() throws Exception {
        TlsOptions o = TlsOptions.builder().build();
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), o.protocols());
        assertTrue(o.verifyHostName());
        assertFalse(o.trustsAll());
        assertFalse(o.hasKeyMaterial());
        assertEquals(TlsOptions.ClientAuth.NONE, o.clientAuth());
        assertEquals(Duration.ofSeconds(10), o.handshakeTimeout());
        assertTrue(o.cipherSuites().isEmpty());
        assertTrue(o.applicationProtocols().isEmpty());
        assertNull(o.serverName());
        assertFalse(TlsOptions.builder().trustAll().build().verifyHostName(), "trustAll checks nothing at all");
    }

    @Test
    void olderProtocolsAndBadArgumentsAreRefusedAtTheSetter() {
        assertThrows(IllegalArgumentException.class, () -> TlsOptions.builder().protocols("TLSv1.1"));
        assertThrows(IllegalArgumentException.class, () -> TlsOptions.builder().protocols("TLSv1.3", "SSLv3"));
        assertThrows(IllegalArgumentException.class, () -> TlsOptions.builder().protocols());
        assertThrows(IllegalArgumentException.class, () -> TlsOptions.builder().handshakeTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> TlsOptions.builder().applicationProtocols(""));
        assertThrows(IllegalArgumentException.class, () -> TlsOptions.builder().serverName("not a host!"));
    }

    @Test
    void serversNeedKeyMaterialAndTakeTlsFromServerOptionsOnly() throws Exception {
        TlsOptions keyless = PKI.clientTls();
        assertThrows(IllegalArgumentException.class, () -> ServerOptions.builder().tls(keyless));
        ConnectOptions withTls = ConnectOptions.builder().tls(keyless).build();
        assertThrows(IllegalArgumentException.class, () -> ServerOptions.builder().clientOptions(withTls));
    }

    @Test
    void pemChainWithPkcs8Pkcs1AndSec1KeysAllServe() throws Exception {
        servesAHandshake(PKI.server.options(PKI).build()); // EC key, PKCS#8 "PRIVATE KEY"
        servesAHandshake(PKI.rsaServer.options(PKI).build()); // RSA key, PKCS#8
        servesAHandshake(TlsOptions.builder().keyMaterial(PKI.rsaServer.certFile(),
                write("rsa1", TestPki.traditionalKeyPem(PKI.rsaServer))).build()); // "RSA PRIVATE KEY"
        servesAHandshake(TlsOptions.builder().keyMaterial(PKI.server.certFile(),
                write("ec1", TestPki.traditionalKeyPem(PKI.server))).build()); // "EC PRIVATE KEY"
        servesAHandshake(TlsOptions.builder().keyMaterialPem(PKI.server.chainPem(), PKI.server.keyPem()).build());
    }

    @Test
    void pkcs12KeystoreAndReadySslContextServe() throws Exception {
        char[] password = "s3cret".toCharArray();
        Path p12 = PKI.pkcs12(PKI.server, password);
        servesAHandshake(TlsOptions.builder().keyStore(p12, password).build());
        servesAHandshake(TlsOptions.builder().sslContext(PKI.serverTls().sslContext()).build());
    }

    @Test
    void trustFromAKeystoreWorks() throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", PKI.ca.chain().get(0));
        Path store = Files.createTempFile(PKI.dir, "trust", ".p12");
        try (var out = Files.newOutputStream(store)) {
            ks.store(out, "pw".toCharArray());
        }
        TlsOptions client = TlsOptions.builder().trustStore(store, "pw".toCharArray()).build();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(PKI.serverTls()).build(), LINE_ECHO);
            try (Connection c = rt.connect("localhost", s.port(), ConnectOptions.builder().tls(client).build())) {
                assertTrue(c.isSecure());
            }
        }
    }

    @Test
    void badMaterialFailsAtBuildWithTlsConfigurationInvalid() throws Exception {
        Path missing = PKI.dir.resolve("no-such-file.pem");
        assertInetError(InetError.TLS_CONFIGURATION_INVALID,
                () -> TlsOptions.builder().keyMaterial(missing, PKI.server.keyFile()).build());
        assertInetError(InetError.TLS_CONFIGURATION_INVALID,
                () -> TlsOptions.builder().keyMaterial(PKI.server.certFile(), PKI.client.keyFile()).build());
        assertInetError(InetError.TLS_CONFIGURATION_INVALID, () -> TlsOptions.builder().keyMaterial(
                write("garbage", "hello"), PKI.server.keyFile()).build());
        assertInetError(InetError.TLS_CONFIGURATION_INVALID, () -> TlsOptions.builder().keyMaterial(
                PKI.server.certFile(), write("enc", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
                        + "-----END ENCRYPTED PRIVATE KEY-----\n")).build());
        assertInetError(InetError.TLS_CONFIGURATION_INVALID,
                () -> TlsOptions.builder().keyStore(PKI.pkcs12(PKI.server, "right".toCharArray()),
                        "wrong".toCharArray()).build());
        assertInetError(InetError.TLS_CONFIGURATION_INVALID,
                () -> TlsOptions.builder().trustPem(write("nocert", "no certificate here")).build());
        assertInetError(InetError.TLS_CONFIGURATION_INVALID,
                () -> TlsOptions.builder().cipherSuites("TLS_NO_SUCH_SUITE").build());
    }

    @Test
    void toBuilderReadsTheFilesAgainForCertificateRotation() throws Exception {
        Path cert = write("rotating-cert", PKI.server.chainPem());
        Path key = write("rotating-key", PKI.server.keyPem());
        TlsOptions first = TlsOptions.builder().keyMaterial(cert, key).build();
        Files.writeString(cert, PKI.server2.chainPem());
        Files.writeString(key, PKI.server2.keyPem());
        TlsOptions second = first.toBuilder().build();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(first).build(), LINE_ECHO);
            s.reloadTls(second);
            try (Connection c = rt.connect("localhost", s.port(), ConnectOptions.builder().tls(PKI.clientTls())
                    .build())) {
                assertEquals("CN=localhost rotated", c.tlsInfo().orElseThrow().peerCertificates().get(0)
                        .subject());
            }
        }
    }
}
