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
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
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

    /** The key as an encrypted PKCS#8 PEM block, PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), encrypted by the JDK. */
    private static String encryptedPem(PrivateKey key, char[] password) throws Exception {
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
        byte[] pbes2 = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x05, 0x0d};
        byte[] der = tlv(0x30, concat(tlv(0x30, concat(pbes2, cipher.getParameters().getEncoded())),
                tlv(0x04, encrypted)));
        new EncryptedPrivateKeyInfo(der); // well formed as the JDK reads it
        return "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(der) + "\n-----END ENCRYPTED PRIVATE KEY-----\n";
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

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
        String ec = encryptedPem(PKI.server.key(), PASSWORD);
        servesAHandshake(TlsOptions.builder().keyMaterial(PKI.server.certFile(), write("enc-ec", ec), PASSWORD)
                .build());
        servesAHandshake(TlsOptions.builder().keyMaterial(PKI.rsaServer.certFile(), write("enc-rsa",
                encryptedPem(PKI.rsaServer.key(), PASSWORD)), PASSWORD).build());
    }

    @Test
    void theBuilderKeepsItsOwnCopyOfThePassword() throws Exception {
        char[] password = PASSWORD.clone();
        TlsOptions.Builder b = TlsOptions.builder().keyMaterial(PKI.server.certFile(),
                write("enc-copy", encryptedPem(PKI.server.key(), password)), password);
        Arrays.fill(password, '\0'); // the caller wipes its array after handing it over
        servesAHandshake(b.build());
    }

    @Test
    void aWrongPasswordFailsAtBuildWithTlsConfigurationInvalid() throws Exception {
        Path key = write("enc-wrong", encryptedPem(PKI.server.key(), PASSWORD));
        InetException e = assertInetError(InetError.TLS_CONFIGURATION_INVALID, () -> TlsOptions.builder()
                .keyMaterial(PKI.server.certFile(), key, "wrong".toCharArray()).build());
        assertTrue(e.getMessage().contains("wrong key password"), e::getMessage);
        assertTrue(e.getMessage().contains(key.toString()), e::getMessage);
    }

    @Test
    void aMissingPasswordFailsAtBuildSayingTheKeyIsEncrypted() throws Exception {
        Path key = write("enc-none", encryptedPem(PKI.server.key(), PASSWORD));
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
