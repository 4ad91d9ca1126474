package dev.socketloom.jmh;

import dev.socketloom.jmh.server.TlsImpl;
import dev.socketloom.jmh.server.TlsMaterial;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link EchoBenchmark} over TLS 1.3: the same closed-loop rounds, with every connection a JDK {@code SSLSocket} on
 * the client side (handshakes done before measuring) and the server one of {@link TlsImpl} in its own JVM. The
 * client's own TLS work is the same for every server, so ratios between servers understate their differences.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class TlsEchoBenchmark {

    /** Server implementation, see {@link TlsImpl}. */
    @Param({"socketloom", "rawvt", "netty-jdk", "netty-openssl"})
    public String impl;

    /** Concurrent connections. */
    @Param({"100", "1000"})
    public int connections;

    /** Message size in bytes. */
    @Param({"64", "4096"})
    public int size;

    private ServerProcess server;
    private EchoClient client;
    private byte[] message;

    @Setup(Level.Trial)
    public void setUp() throws IOException, GeneralSecurityException {
        server = new ServerProcess();
        try {
            Path keyStore = TlsMaterial.create();
            int port = server.startTls(TlsImpl.of(impl), EchoBenchmark.HANDLER_BUFFER, keyStore);
            client = new EchoClient(port, connections, TlsMaterial.clientContext(keyStore));
            message = new byte[size];
            new SplittableRandom(42).nextBytes(message);
            client.verify(message);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            tearDown();
            throw e;
        }
    }

    @Benchmark
    public long round() throws IOException {
        return client.round(message);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            server.close();
        }
    }
}
