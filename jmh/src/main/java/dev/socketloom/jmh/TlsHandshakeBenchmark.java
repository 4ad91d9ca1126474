package dev.socketloom.jmh;

import dev.socketloom.jmh.server.TlsImpl;
import dev.socketloom.jmh.server.TlsMaterial;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Full TLS 1.3 handshakes per second: each operation connects, shakes hands (no session resumption: the session is
 * invalidated), echoes one byte and closes. Four client threads keep the server busy; the server is one of
 * {@link TlsImpl} in its own JVM. The counters ({@link Cpu}) add the server JVM's CPU time over each iteration and
 * the handshakes done in it, so the results also say how much server CPU one handshake costs (the client, doing as
 * much TLS work as the server, may be what limits the rate on a small machine).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Threads(4)
public class TlsHandshakeBenchmark {

    /** Server implementation, see {@link TlsImpl}. */
    @Param({"socketloom", "rawvt", "netty-jdk", "netty-openssl"})
    public String impl;

    private ServerProcess server;
    private SSLContext tls;
    private InetSocketAddress address;

    @Setup(Level.Trial)
    public void setUp() throws IOException, GeneralSecurityException {
        server = new ServerProcess();
        try {
            Path keyStore = TlsMaterial.create();
            address = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    server.startTls(TlsImpl.of(impl), EchoBenchmark.HANDLER_BUFFER, keyStore));
            tls = TlsMaterial.clientContext(keyStore);
            handshake();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            tearDown();
            throw e;
        }
    }

    /** Per iteration: handshakes done (every thread) and the server JVM's CPU time (counted by one thread). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Cpu {
        private boolean reads;
        private long cpu0;
        public long handshakes;
        public long serverCpuNanos;

        @Setup(Level.Trial)
        public void who(ThreadParams thread) {
            reads = thread.getThreadIndex() == 0;
        }

        @Setup(Level.Iteration)
        public void begin(TlsHandshakeBenchmark b) throws IOException {
            handshakes = 0;
            serverCpuNanos = 0;
            cpu0 = reads ? b.server.cpuNanos() : 0;
        }

        @TearDown(Level.Iteration)
        public void end(TlsHandshakeBenchmark b) throws IOException {
            if (reads) {
                serverCpuNanos = b.server.cpuNanos() - cpu0;
            }
        }
    }

    @Benchmark
    public int handshake(Cpu cpu) throws IOException {
        cpu.handshakes++;
        return handshake();
    }

    private int handshake() throws IOException {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(address, 30_000);
            s.setSoTimeout(60_000);
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, "localhost", address.getPort(), true);
            SSLParameters p = ssl.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(p);
            ssl.startHandshake();
            ssl.getSession().invalidate(); // the next operation shakes hands in full
            ssl.getOutputStream().write(1);
            int b = ssl.getInputStream().read();
            if (b < 0) {
                throw new EOFException("no echo after the handshake");
            }
            return b;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        server.close();
    }
}
