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
 * idle connection. The histogram also gives the part of it that is the parked threads' frames (stack chunks).
 *
 * <p>Three things make the figure the steady state of a running server rather than of a cold one. First, a warm-up
 * ({@value #WARM_ROUNDS} rounds of {@value #WARM_CONNECTIONS} connections, {@value #WARM_ECHOES} echoes each) lets
 * the JIT compile the connection path: an idle virtual thread's stack holds the frames it parked with, and
 * interpreted frames are several times larger than compiled ones (measured: about 2 KB more per connection for
 * every implementation). Second, the base population: whatever the warm-up left behind (threads that ended and are
 * dropped lazily, tables sized for it) is settled before the base reading, not inside the measured difference.
 * Third, the stacks are settled before the last reading (one more echo after a full GC, see {@link #idleCost}): how
 * many stack chunks a parked thread has otherwise depends on when the GCs happened to run.
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
     * The TLS warm-up: fewer connections (each a full handshake), the same echoes, enough for the JIT to compile the
     * TLS read path; without it an idle TLS thread's stack held interpreted frames, several KB more per connection.
     */
    static final int TLS_WARM_ROUNDS = 3;
    static final int TLS_WARM_CONNECTIONS = 500;

    /**
     * One implementation's result with one handler buffer size, per idle connection in bytes. {@code heap} is live
     * objects (a class histogram after full GC, without the GC's filler objects) with the stacks settled (below),
     * {@code stacks} the part of it that is the parked threads' frames ({@code jdk.internal.vm.StackChunk}),
     * {@code freshHeap} the same as {@code heap} read before settling, {@code heapUsed} the heap used as the GC
     * reports it, {@code rss} the resident set.
     */
    public record Result(String impl, int handlerBuffer, int connections, double heapPerConnection,
                         double stackPerConnection, double freshHeapPerConnection, double rssPerConnection,
                         double heapUsedPerConnection) {
    }

    /** Opens {@code n} clients to the server under measurement. */
    @FunctionalInterface
    private interface Clients {
        EchoClient open(int n) throws IOException;
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
                System.out.printf("footprint %-12s %6d B buffer: heap %8.0f B/conn (stacks %6.0f)   rss %8.0f B/conn%n",
                        r.impl(), buffer, r.heapPerConnection(), r.stackPerConnection(), r.rssPerConnection());
            }
        }
        return results;
    }

    private static Result measure(Impl impl, int buffer, int n) throws IOException {
        try (ServerProcess server = new ServerProcess()) {
            int port = server.start(impl, buffer);
            warmUp(k -> new EchoClient(port, k), WARM_ROUNDS, WARM_CONNECTIONS);
            try (EchoClient base = new EchoClient(port, BASE)) {
                base.verify(new byte[] {1});
                return idleCost(impl.id(), buffer, server, k -> new EchoClient(port, k), n);
            }
        }
    }

    /** {@code rounds} of {@code connections} clients that each echo {@value #WARM_ECHOES} times, then close. */
    private static void warmUp(Clients clients, int rounds, int connections) throws IOException {
        byte[] one = {1};
        for (int round = 0; round < rounds; round++) {
            try (EchoClient warm = clients.open(connections)) {
                for (int i = 0; i < WARM_ECHOES; i++) {
                    warm.verify(one);
                }
            }
        }
    }

    /**
     * Reads the server's memory, connects {@code n} more clients that each echo one byte (so every handler has run
     * and blocks in a read), reads it again, settles the stacks and reads it a third time.
     *
     * <p>Settling: a parked virtual thread's frames live in stack chunks, and a thread that parks again after a GC
     * moved its chunk gets a second one. Whether a GC falls between a thread's parks depends on when the GCs run, which
     * moved the per-connection heap by up to 460 B between runs of the same build. The histogram's full GC followed by
     * one more echo on every new connection puts every implementation in the same state - two chunks per thread, as in
     * a server that has been running for a while - and repeated runs agree on it.
     */
    private static Result idleCost(String impl, int buffer, ServerProcess server, Clients clients, int n)
            throws IOException {
        byte[] one = {1};
        long[] before = server.memory();
        try (EchoClient client = clients.open(n)) {
            client.verify(one);
            long[] fresh = server.memory();
            client.verify(one);
            long[] after = server.memory();
            return new Result(impl, buffer, n, (after[2] - before[2]) / (double) n,
                    (after[3] - before[3]) / (double) n, (fresh[2] - before[2]) / (double) n,
                    (after[1] - before[1]) / (double) n, (after[0] - before[0]) / (double) n);
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
                Clients clients = k -> new EchoClient(port, k, tls);
                warmUp(clients, TLS_WARM_ROUNDS, Math.min(n, TLS_WARM_CONNECTIONS));
                results.add(idleCost(impl.id(), SMALL, server, clients, n));
            }
            Result r = results.get(results.size() - 1);
            System.out.printf("footprint TLS %-13s heap %8.0f B/conn   rss %8.0f B/conn%n", r.impl(),
                    r.heapPerConnection(), r.rssPerConnection());
        }
        return results;
    }

    /**
     * {@code Footprint [--tls] <out.json> [connections]}: measures every implementation (default 10 000
     * connections), or with {@code --tls} every TLS implementation (default 1 000, as {@code TlsSuite}).
     */
    public static void main(String[] args) throws IOException {
        boolean tls = args.length > 0 && args[0].equals("--tls");
        int first = tls ? 1 : 0;
        if (args.length - first < 1 || args.length - first > 2) {
            System.err.println("usage: Footprint [--tls] <out.json> [connections, default 10000; with --tls 1000]");
            System.exit(2);
        }
        int n = args.length - first == 2 ? Integer.parseInt(args[first + 1]) : tls ? 1_000 : 10_000;
        List<Result> results = tls ? measureTls(List.of(TlsImpl.values()), n)
                : measure(List.of(Impl.values()), n, SMALL, LARGE);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(Path.of(args[first]).toFile(),
                results);
    }
}
