package dev.socketloom.jmh;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.SocketRuntime;
import dev.socketloom.jmh.load.Workload;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
 * The cost of one small read call when the data is already there: {@code readLine}, {@code readFully} of 4 bytes,
 * {@code read} of 4 bytes, and one whole request of the pipelined line protocol ({@code Workload.pipelined}:
 * header line, value, CRLF), on a SocketLoom {@link Connection} and on a plain socket's
 * {@link BufferedInputStream} with the reads a hand-written server does (the byte-by-byte line loop of
 * {@code LineServers}). A platform thread in this JVM writes the same protocol stream into each socket without
 * pause, so the reads find their bytes buffered, and a refill (a system call per buffer) is spread over hundreds of
 * calls, as in a pipelined server.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SmallReadsBenchmark {

    /** {@code socketloom} (Connection) or {@code bis} (BufferedInputStream over a plain socket). */
    @Param({"socketloom", "bis"})
    public String reader;

    private ServerSocket listener;
    private Thread firehose;
    private SocketRuntime rt;
    private Connection conn;
    private Socket socket;
    private BufferedInputStream in;
    private final byte[] value = new byte[1024];
    private final byte[] small = new byte[4];
    private final byte[] lineBuf = new byte[256];

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        byte[] block = Workload.pipelined(256).request();
        firehose = Thread.ofPlatform().daemon().name("firehose").start(() -> {
            try (Socket s = listener.accept()) {
                OutputStream out = s.getOutputStream();
                while (true) {
                    out.write(block);
                }
            } catch (IOException closed) {
                // the benchmark is over
            }
        });
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        if (reader.equals("socketloom")) {
            rt = SocketRuntime.open();
            conn = rt.connect(at.getHostString(), at.getPort(), ConnectOptions.DEFAULTS);
        } else if (reader.equals("bis")) {
            socket = new Socket();
            socket.connect(at);
            in = new BufferedInputStream(socket.getInputStream());
        } else {
            throw new IllegalArgumentException("reader must be socketloom or bis, not " + reader);
        }
    }

    /** One line (the stream alternates header and value lines). */
    @Benchmark
    public String readLine() throws IOException {
        return conn != null ? conn.readLine() : bisLine();
    }

    @Benchmark
    public byte readFully4() throws IOException {
        if (conn != null) {
            conn.readFully(small, 0, 4);
        } else {
            bisFully(small, 4);
        }
        return small[3];
    }

    @Benchmark
    public int read4() throws IOException {
        return conn != null ? conn.read(small, 0, 4) : in.read(small, 0, 4);
    }

    /** A whole request of the protocol: header line, value, CRLF. */
    @Benchmark
    public int request() throws IOException {
        String line;
        while (!(line = readLine()).startsWith("SET ")) {
            // resynchronize: the other benchmarks of this trial left the stream anywhere
        }
        int len = Integer.parseInt(line, line.lastIndexOf(' ') + 1, line.length(), 10);
        if (conn != null) {
            conn.readFully(value, 0, len);
            conn.readFully(small, 0, 2);
        } else {
            bisFully(value, len);
            bisFully(small, 2);
        }
        return len;
    }

    private String bisLine() throws IOException {
        int n = 0;
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            lineBuf[n++] = (byte) b;
        }
        if (n > 0 && lineBuf[n - 1] == '\r') {
            n--;
        }
        return new String(lineBuf, 0, n, StandardCharsets.UTF_8);
    }

    private void bisFully(byte[] b, int len) throws IOException {
        InputStream s = in;
        int done = 0;
        while (done < len) {
            int n = s.read(b, done, len - done);
            if (n < 0) {
                throw new EOFException();
            }
            done += n;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        listener.close();
        if (conn != null) {
            conn.close();
            rt.close();
        }
        if (socket != null) {
            socket.close();
        }
        firehose.join(10_000);
    }
}
