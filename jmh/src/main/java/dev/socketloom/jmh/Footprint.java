package dev.socketloom.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.socketloom.jmh.server.Impl;
import dev.socketloom.jmh.server.TlsImpl;
import dev.socketloom.jmh.server.TlsMaterial;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Memory per idle connection, per implementation and handler buffer: in a fresh server JVM, the live objects (a
 * class histogram after full GC, without the GC's filler objects: dead space the GC may leave in regions it does not
 * compact, which moved "heap used" by hundreds of bytes per connection between runs with 16 KiB buffers) and RSS
 * are read with {@value #BASE} idle clients connected, then again with {@code n} more (each client has done one
 * 1-byte echo, so every handler runs and blocks in a read); the difference divided by {@code n} is the cost of one
 * idle connection.
 *
 * <p>Two things make the figure the steady state of a running server rather than of a cold one. First, a warm-up
 * ({@value #WARM_ROUNDS} rounds of {@value #WARM_CONNECTIONS} connections, {@value #WARM_ECHOES} echoes each) lets
 * the JIT compile the connection path: an idle virtual thread's stack holds the frames it parked with, and
 * interpreted frames are several times larger than compiled ones (measured: about 2 KB more per connection for
 * every implementation). Second, the base population: whatever the warm-up left behind (threads that ended and are
 * dropped lazily, tables sized for it) is settled before the base reading, not inside the measured difference.
 *
 * <p>The handlers read into an array of the given size: {@value #SMALL} bytes (an idle line-protocol connection)
 * and {@value #LARGE} (a bulk one). Not a JMH benchmark (it measures bytes, not time); it writes its own JSON.
 */
public final class Footprint {

    static final int SMALL = 64;
    static final int LARGE = 16 * 1024;
    static final int BASE = 4_000;
    static final int WARM_ROUNDS = 5;
    static final int WARM_CONNECTIONS = 2_000;
    static final int WARM_ECHOES = 20;

    /**
     * One implementation's result with one handler buffer size. {@code heap*} are live objects (a class histogram
     * after full GC, without the GC's filler objects), {@code heapUsed*} the heap used as the GC reports it.
     */
    public record Result(String impl, int handlerBuffer, int connections, long heapBefore, long heapAfter,
                         long rssBefore, long rssAfter, double heapPerConnection, double rssPerConnection,
                         double heapUsedPerConnection) {
    }

    private Footprint() {
    }

    /** Measures {@code impls} with {@code n} idle connections each over the base, for every handler buffer size. */
    public static List<Result> measure(List<Impl> impls, int n, int... handlerBuffers) throws IOException {
        List<Result> results = new ArrayList<>();
        for (int buffer : handlerBuffers) {
            for (Impl impl : impls) {
                Result r = measure(impl, buffer, n);
                results.add(r);
                System.out.printf("footprint %-12s %6d B buffer: heap %8.0f B/conn   rss %8.0f B/conn%n", r.impl(),
                        buffer, r.heapPerConnection(), r.rssPerConnection());
            }
        }
        return results;
    }

    private static Result measure(Impl impl, int buffer, int n) throws IOException {
        try (ServerProcess server = new ServerProcess()) {
            int port = server.start(impl, buffer);
            byte[] one = {1};
            for (int round = 0; round < WARM_ROUNDS; round++) {
                try (EchoClient warm = new EchoClient(port, WARM_CONNECTIONS)) {
                    for (int i = 0; i < WARM_ECHOES; i++) {
                        warm.verify(one);
                    }
                }
            }
            try (EchoClient base = new EchoClient(port, BASE)) {
                base.verify(one);
                long[] before = server.memory();
                try (EchoClient client = new EchoClient(port, n)) {
                    client.verify(one);
                    long[] after = server.memory();
                    return new Result(impl.id(), buffer, n, before[2], after[2], before[1], after[1],
                            (after[2] - before[2]) / (double) n, (after[1] - before[1]) / (double) n,
                            (after[0] - before[0]) / (double) n);
                }
            }
        }
    }


    /**
     * The same with idle TLS connections ({@link dev.socketloom.jmh.server.TlsImpl}): what each keeps per idle TLS
     * connection, the JDK's or OpenSSL's per-connection TLS buffers included.
     */
    public static List<Result> measureTls(List<TlsImpl> impls, int n) throws IOException {
        List<Result> results = new ArrayList<>();
        Path keyStore = TlsMaterial.create();
        SSLContext tls;
        try {
            tls = TlsMaterial.clientContext(keyStore);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
        for (TlsImpl impl : impls) {
            try (ServerProcess server = new ServerProcess()) {
                int port = server.startTls(impl, SMALL, keyStore);
                try (EchoClient warm = new EchoClient(port, Math.min(n, 10), tls)) {
                    warm.verify(new byte[] {1});
                }
                long[] before = server.memory();
                try (EchoClient client = new EchoClient(port, n, tls)) {
                    client.verify(new byte[] {1});
                    long[] after = server.memory();
                    results.add(new Result(impl.id(), SMALL, n, before[2], after[2], before[1], after[1],
                            (after[2] - before[2]) / (double) n, (after[1] - before[1]) / (double) n,
                            (after[0] - before[0]) / (double) n));
                }
            }
            Result r = results.get(results.size() - 1);
            System.out.printf("footprint TLS %-13s heap %8.0f B/conn   rss %8.0f B/conn%n", r.impl(),
                    r.heapPerConnection(), r.rssPerConnection());
        }
        return results;
    }

    /** {@code Footprint <out.json> [connections, default 10000]}: measures every implementation. */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: Footprint <out.json> [connections, default 10000]");
            System.exit(2);
        }
        int n = args.length == 2 ? Integer.parseInt(args[1]) : 10_000;
        List<Result> results = measure(List.of(Impl.values()), n, SMALL, LARGE);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(Path.of(args[0]).toFile(), results);
    }
}
