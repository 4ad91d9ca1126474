package dev.socketloom.tls;

import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.TlsOptions;
import dev.socketloom.testing.ExternalTool;
import dev.socketloom.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Encrypted PKCS#8 private keys ({@code BEGIN ENCRYPTED PRIVATE KEY}) with their password in {@code TlsOptions}: the
 * key is encrypted at test time (by the JDK, PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC as OpenSSL 3 writes it, and
 * by {@code openssl pkcs8} itself when installed); the server then serves handshakes. A wrong or missing password
 * fails {@code build()} with TLS_CONFIGURATION_INVALID and a message that says which.
 */
class TlsEncryptedKeyTest {
    private static final TestPki PKI = TestPki.get();
    private static final char[] PASSWORD = "correct horse".toCharArray();

    private static Path write(String name, String text) throws Exception {
        Path p = Files.createTempFile(PKI.dir, name, ".pem");
        Files.writeString(p, text);
        return p;
    }

    private static void servesAHandshake(TlsOptions server) throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(server).build(), LINE_ECHO);
            try (Connection c = rt.connect("localhost", s.port(), ConnectOptions.builder().tls(PKI.clientTls())
                    .build())) {
                c.writeLine("encrypted key");
                assertEquals("encrypted key", c.readLine());
                assertTrue(c.isSecure());
            }
        }
    }

    @Test
    void encryptedPkcs8EcAndRsaKeysWithTheirPasswordServe() throws Exception {
        String ec = TestPki.encryptedKeyPem(PKI.server.key(), PASSWORD);
        servesAHandshake(TlsOptions.builder().keyMaterial(PKI.server.certFile(), write("enc-ec", ec), PASSWORD)
                .build());
        servesAHandshake(TlsOptions.builder().keyMaterial(PKI.rsaServer.certFile(), write("enc-rsa",
                TestPki.encryptedKeyPem(PKI.rsaServer.key(), PASSWORD)), PASSWORD).build());
    }

    @Test
    void theBuilderKeepsItsOwnCopyOfThePassword() throws Exception {
        char[] password = PASSWORD.clone();
        TlsOptions.Builder b = TlsOptions.builder().keyMaterial(PKI.server.certFile(),
                write("enc-copy", TestPki.encryptedKeyPem(PKI.server.key(), password)), password);
        Arrays.fill(password, '\0'); // the caller wipes its array after handing it over
        servesAHandshake(b.build());
    }

    @Test
    void aWrongPasswordFailsAtBuildWithTlsConfigurationInvalid() throws Exception {
        Path key = write("enc-wrong", TestPki.encryptedKeyPem(PKI.server.key(), PASSWORD));
        InetException e = assertInetError(InetError.TLS_CONFIGURATION_INVALID, () -> TlsOptions.builder()
                .keyMaterial(PKI.server.certFile(), key, "wrong".toCharArray()).build());
        assertTrue(e.getMessage().contains("wrong key password"), e::getMessage);
        assertTrue(e.getMessage().contains(key.toString()), e::getMessage);
    }

    @Test
    void aMissingPasswordFailsAtBuildSayingTheKeyIsEncrypted() throws Exception {
        Path key = write("enc-none", TestPki.encryptedKeyPem(PKI.server.key(), PASSWORD));
        InetException e = assertInetError(InetError.TLS_CONFIGURATION_INVALID, () -> TlsOptions.builder()
                .keyMaterial(PKI.server.certFile(), key).build());
        assertTrue(e.getMessage().contains("no key password"), e::getMessage);
    }

    @Test
    void aKeyEncryptedByOpensslPkcs8Serves() throws Exception {
        ExternalTool.require("openssl", "version");
        Path out = PKI.dir.resolve("openssl-enc-" + System.nanoTime() + ".pem");
        ExternalTool.run(List.of("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256",
                "-in", PKI.server.keyFile().toString(), "-out", out.toString(), "-passout", "pass:correct horse"),
                PKI.server.keyFile(), Duration.ofSeconds(30));
        assertTrue(Files.readString(out).contains("BEGIN ENCRYPTED PRIVATE KEY"));
        servesAHandshake(TlsOptions.builder().keyMaterial(PKI.server.certFile(), out, PASSWORD).build());
        assertInetError(InetError.TLS_CONFIGURATION_INVALID, () -> TlsOptions.builder()
                .keyMaterial(PKI.server.certFile(), out, "not it".toCharArray()).build());
    }
}
