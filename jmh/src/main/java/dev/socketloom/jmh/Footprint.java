package dev.socketloom.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.socketloom.jmh.server.Impl;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory per idle connection, per implementation: in a fresh server JVM, heap after full GC and RSS are read with
 * the server running and no client, then again with {@code n} idle clients connected (each has done one 1-byte echo,
 * so every handler runs and blocks in a read); the difference divided by {@code n} is the cost of one idle
 * connection. The handlers' own read buffer is {@value #HANDLER_BUFFER} bytes (an idle line-protocol connection),
 * so that the figure shows the cost of the threading model rather than of the example's buffer.
 *
 * <p>Not a JMH benchmark (it measures bytes, not time); it writes its own small JSON.
 */
public final class Footprint {

    static final int HANDLER_BUFFER = 64;

    /** One implementation's result. */
    public record Result(String impl, int connections, long heapBefore, long heapAfter, long rssBefore,
                         long rssAfter, double heapPerConnection, double rssPerConnection) {
    }

    private Footprint() {
    }

    /** Measures {@code impls} with {@code n} idle connections each. */
    public static List<Result> measure(List<Impl> impls, int n) throws IOException {
        List<Result> results = new ArrayList<>();
        for (Impl impl : impls) {
            try (ServerProcess server = new ServerProcess()) {
                int port = server.start(impl, HANDLER_BUFFER);
                try (EchoClient warm = new EchoClient(port, Math.min(n, 10))) {
                    warm.verify(new byte[] {1}); // loads the connection path's classes before the baseline; 10 closing
                    // connections are negligible next to n
                }
                long[] before = server.memory();
                try (EchoClient client = new EchoClient(port, n)) {
                    client.verify(new byte[] {1});
                    long[] after = server.memory();
                    results.add(new Result(impl.id(), n, before[0], after[0], before[1], after[1],
                            (after[0] - before[0]) / (double) n, (after[1] - before[1]) / (double) n));
                }
            }
            Result r = results.get(results.size() - 1);
            System.out.printf("footprint %-12s heap %8.0f B/conn   rss %8.0f B/conn%n", r.impl(),
                    r.heapPerConnection(), r.rssPerConnection());
        }
        return results;
    }

    /**
     * The same with idle TLS connections ({@link dev.socketloom.jmh.server.TlsImpl}): what each keeps per idle TLS
     * connection, the JDK's or OpenSSL's per-connection TLS buffers included.
     */
    public static List<Result> measureTls(List<dev.socketloom.jmh.server.TlsImpl> impls, int n) throws IOException {
        List<Result> results = new ArrayList<>();
        java.nio.file.Path keyStore = dev.socketloom.jmh.server.TlsMaterial.create();
        javax.net.ssl.SSLContext tls;
        try {
            tls = dev.socketloom.jmh.server.TlsMaterial.clientContext(keyStore);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
        for (dev.socketloom.jmh.server.TlsImpl impl : impls) {
            try (ServerProcess server = new ServerProcess()) {
                int port = server.startTls(impl, HANDLER_BUFFER, keyStore);
                try (EchoClient warm = new EchoClient(port, Math.min(n, 10), tls)) {
                    warm.verify(new byte[] {1});
                }
                long[] before = server.memory();
                try (EchoClient client = new EchoClient(port, n, tls)) {
                    client.verify(new byte[] {1});
                    long[] after = server.memory();
                    results.add(new Result(impl.id(), n, before[0], after[0], before[1], after[1],
                            (after[0] - before[0]) / (double) n, (after[1] - before[1]) / (double) n));
                }
            }
            Result r = results.get(results.size() - 1);
            System.out.printf("footprint TLS %-13s heap %8.0f B/conn   rss %8.0f B/conn%n", r.impl(),
                    r.heapPerConnection(), r.rssPerConnection());
        }
        return results;
    }

    /** {@code Footprint <out.json> [connections]}: measures every implementation. */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: Footprint <out.json> [connections, default 10000]");
            System.exit(2);
        }
        int n = args.length == 2 ? Integer.parseInt(args[1]) : 10_000;
        List<Result> results = measure(List.of(Impl.values()), n);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(Path.of(args[0]).toFile(), results);
    }
}
