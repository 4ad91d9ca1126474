package dev.socketloom.internal.tls;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads PEM text: X.509 certificates ({@code BEGIN CERTIFICATE}) and unencrypted private keys in the three forms
 * tools write: PKCS#8 ({@code BEGIN PRIVATE KEY}, what {@code openssl genpkey} and OpenSSL 3 write), PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) and SEC1 ({@code BEGIN EC PRIVATE KEY}). The last two are rewrapped as PKCS#8, so the
 * JDK's {@link KeyFactory} reads all three; an encrypted PKCS#8 key ({@code BEGIN ENCRYPTED PRIVATE KEY}) is decrypted
 * with the password given, through the JDK's {@link EncryptedPrivateKeyInfo}.
 *
 * <p>Stateless; every failure is a {@link InetError#TLS_CONFIGURATION_INVALID} naming the source.
 */
final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    /** AlgorithmIdentifier rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** OID id-ecPublicKey (1.2.840.10045.2.1), to be followed by the curve OID. */
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02,
            0x01};

    private Pem() {
    }

    /** Every certificate in {@code pem}, in order (leaf first, as in a chain file); at least one. */
    static List<X509Certificate> certificates(String pem, String source) throws InetException {
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(pem, source)) {
                if (b.type.equals("CERTIFICATE") || b.type.equals("TRUSTED CERTIFICATE")) {
                    certs.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der)));
                }
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw invalid(source + ": not a readable X.509 certificate (" + e.getMessage() + ")", e);
        }
        if (certs.isEmpty()) {
            throw invalid(source + ": no BEGIN CERTIFICATE block", null);
        }
        return certs;
    }

    /** The one private key in {@code pem}; {@code password} decrypts an encrypted PKCS#8 key (null: none given). */
    static PrivateKey privateKey(String pem, char[] password, String source) throws InetException {
        for (Block b : blocks(pem, source)) {
            switch (b.type) {
                case "PRIVATE KEY" -> {
                    return pkcs8(b.der, source);
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(sequence(concat(new byte[] {0x02, 0x01, 0x00}, RSA_ALGORITHM,
                            tlv(0x04, b.der))), source);
                }
                case "EC PRIVATE KEY" -> {
                    return pkcs8(ecToPkcs8(b.der, source), source);
                }
                case "ENCRYPTED PRIVATE KEY" -> {
                    return pkcs8(decrypt(b.der, password, source), source);
                }
                default -> {
                    // other blocks (a certificate in the same file, EC PARAMETERS) are skipped
                }
            }
        }
        throw invalid(source + ": no BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block", null);
    }

    /**
     * The PKCS#8 key inside an {@code EncryptedPrivateKeyInfo}, decrypted with {@code password} by the JDK's PBE
     * ciphers (OpenSSL's default, PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, among them).
     */
    private static byte[] decrypt(byte[] der, char[] password, String source) throws InetException {
        if (password == null) {
            throw invalid(source + ": the key is encrypted (BEGIN ENCRYPTED PRIVATE KEY) and no key password was "
                    + "given: pass it with TlsOptions.Builder.keyMaterial(chain, key, password)", null);
        }
        EncryptedPrivateKeyInfo info;
        try {
            info = new EncryptedPrivateKeyInfo(der);
        } catch (IOException | RuntimeException e) {
            throw invalid(source + ": malformed ENCRYPTED PRIVATE KEY (" + e.getMessage() + ")", e);
        }
        SecretKey secret;
        PBEKeySpec spec = new PBEKeySpec(password);
        try {
            secret = SecretKeyFactory.getInstance(info.getAlgName()).generateSecret(spec);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw invalid(source + ": the key's encryption (" + info.getAlgName() + ") is not supported by this JDK",
                    e);
        } finally {
            spec.clearPassword();
        }
        try {
            return info.getKeySpec(secret).getEncoded();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw invalid(source + ": wrong key password: the encrypted private key does not decrypt with it", e);
        }
    }

    private static PrivateKey pkcs8(byte[] der, String source) throws InetException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException wrongAlgorithm) {
                // try the next one: PKCS#8 names its algorithm, but KeyFactory wants it up front
            }
        }
        throw invalid(source + ": not a readable RSA, EC, EdDSA or DSA private key", null);
    }

    /**
     * SEC1 {@code ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING, [0] parameters OID, [1] publicKey }}
     * as PKCS#8: the curve moves from {@code [0]} into the AlgorithmIdentifier, the SEC1 structure stays as it is.
     */
    private static byte[] ecToPkcs8(byte[] sec1, String source) throws InetException {
        byte[] curve = null;
        try {
            int[] seq = header(sec1, 0);
            int p = seq[0];
            int end = seq[0] + seq[1];
            while (p < end) {
                int[] h = header(sec1, p);
                if ((sec1[p] & 0xff) == 0xa0) { // [0] parameters: the curve's OID
                    int[] oid = header(sec1, h[0]);
                    curve = Arrays.copyOfRange(sec1, h[0], oid[0] + oid[1]);
                }
                p = h[0] + h[1];
            }
        } catch (RuntimeException e) {
            throw invalid(source + ": malformed EC PRIVATE KEY", e);
        }
        if (curve == null) {
            throw invalid(source + ": the EC PRIVATE KEY does not name its curve", null);
        }
        return sequence(concat(new byte[] {0x02, 0x01, 0x00}, sequence(concat(EC_PUBLIC_KEY_OID, curve)),
                tlv(0x04, sec1)));
    }

    /** {offset of the content, content length} of the DER element at {@code p}. */
    private static int[] header(byte[] der, int p) {
        int len = der[p + 1] & 0xff;
        int off = p + 2;
        if (len > 0x80) {
            int n = len & 0x7f;
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[off++] & 0xff);
            }
        }
        if (off + len > der.length) {
            throw new IllegalArgumentException("DER length past the end");
        }
        return new int[] {off, len};
    }

    private static byte[] sequence(byte[] content) {
        return tlv(0x30, content);
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(String pem, String source) throws InetException {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw invalid(source + ": bad base64 in a " + m.group(1) + " block", e);
            }
        }
        if (blocks.isEmpty()) {
            throw invalid(source + ": no PEM block (-----BEGIN ...-----)", null);
        }
        return blocks;
    }

    static InetException invalid(String detail, Throwable cause) {
        return new InetException(InetError.TLS_CONFIGURATION_INVALID, detail, cause);
    }
}
