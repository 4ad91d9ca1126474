package dev.socketloom.jmh.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The benchmarks' throwaway certificate: a self-signed EC P-256 certificate for {@code localhost} and
 * {@code 127.0.0.1} in a PKCS#12 keystore, made with the running JDK's own {@code keytool} when a trial starts; the
 * servers present it and the load client trusts exactly it. Stateless.
 */
public final class TlsMaterial {
    /** The keystore's password. */
    public static final char[] PASSWORD = "socketloom-bench".toCharArray();

    private TlsMaterial() {
    }

    /** Makes a new keystore file (deleted when the JVM exits). */
    public static Path create() throws IOException {
        Path dir = Files.createTempDirectory("socketloom-bench-tls");
        Path p12 = dir.resolve("bench.p12");
        p12.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-keystore", p12.toString(),
                "-storetype", "PKCS12", "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD),
                "-alias", "bench", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("keytool could not make the benchmark certificate");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted making the benchmark certificate", e);
        }
        return p12;
    }

    /** Key managers for the servers. */
    public static KeyManagerFactory keys(Path p12) throws IOException, GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(KeyStore.getInstance(p12.toFile(), PASSWORD), PASSWORD);
        return kmf;
    }

    /** The JDK context of the raw virtual-thread server. */
    public static SSLContext serverContext(Path p12) throws IOException, GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keys(p12).getKeyManagers(), null, null);
        return ctx;
    }

    /** The load client's context: trusts exactly the benchmark certificate. */
    public static SSLContext clientContext(Path p12) throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(KeyStore.getInstance(p12.toFile(), PASSWORD));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
