package dev.socketloom.stress.scenario;

import dev.socketloom.InetException;
import dev.socketloom.TlsOptions;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import javax.security.auth.x500.X500Principal;

/**
 * A throwaway self-signed certificate for {@code localhost} and {@code 127.0.0.1} (EC P-256, valid for a day), made in
 * memory when a demo or scenario runs: the server presents it, the clients trust exactly it (so host names are still
 * verified). Nothing is written to disk. Immutable.
 */
public final class SelfSignedTls {
    private final TlsOptions server;
    private final TlsOptions client;
    private final String certificatePem;

    private SelfSignedTls(String certPem, String keyPem) throws InetException {
        this.certificatePem = certPem;
        this.server = TlsOptions.builder().keyMaterialPem(certPem, keyPem).build();
        this.client = TlsOptions.builder().trustPemText(certPem).build();
    }

    /** Makes a new key pair and certificate. */
    public static SelfSignedTls create() throws GeneralSecurityException, InetException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = g.generateKeyPair();
        byte[] name = new X500Principal("CN=localhost").getEncoded();
        byte[] algorithm = seq(tlv(0x06, new byte[] {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02}));
        byte[] san = seq(tlv(0x82, "localhost".getBytes(StandardCharsets.US_ASCII)), tlv(0x87, new byte[] {127, 0, 0, 1}));
        byte[] extensions = tlv(0xa3, seq(
                seq(tlv(0x06, new byte[] {0x55, 0x1d, 0x13}), tlv(0x04, seq())), // basicConstraints: not a CA
                seq(tlv(0x06, new byte[] {0x55, 0x1d, 0x11}), tlv(0x04, san)))); // subjectAltName
        Instant now = Instant.now();
        byte[] tbs = seq(
                tlv(0xa0, tlv(0x02, new byte[] {2})),
                tlv(0x02, BigInteger.valueOf(now.toEpochMilli()).toByteArray()),
                algorithm, name,
                seq(time(now.minus(Duration.ofHours(1))), time(now.plus(Duration.ofDays(1)))),
                name, keys.getPublic().getEncoded(), extensions);
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(keys.getPrivate());
        s.update(tbs);
        byte[] sig = s.sign();
        byte[] bits = new byte[sig.length + 1];
        System.arraycopy(sig, 0, bits, 1, sig.length);
        byte[] cert = seq(tbs, algorithm, tlv(0x03, bits));
        return new SelfSignedTls(pem("CERTIFICATE", cert), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    }

    /** Server options presenting the certificate. */
    public TlsOptions server() {
        return server;
    }

    /** Client options trusting exactly this certificate (host names verified). */
    public TlsOptions client() {
        return client;
    }

    /** The certificate as PEM (for {@code openssl s_client -CAfile}). */
    public String certificatePem() {
        return certificatePem;
    }

    private static byte[] time(Instant t) {
        return tlv(0x17, DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").format(t.atZone(ZoneOffset.UTC))
                .getBytes(StandardCharsets.US_ASCII));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] seq(byte[]... parts) {
        return tlv(0x30, parts);
    }

    private static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.writeBytes(p);
        }
        int n = body.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
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
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }
}
