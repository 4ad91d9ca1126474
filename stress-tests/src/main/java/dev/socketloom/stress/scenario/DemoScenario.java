package dev.socketloom.stress.scenario;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo: an echo server, {@code clients} connections exchanging {@code messages} lines each, then half of them
 * disconnected from the client side (L1), the other half from the server side (L1 on the accepted connection), then
 * the server disconnected (L2). Reports throughput, latency percentiles, disconnect times, threads and fds before and
 * after (L9) and errors. With {@code tls}, all of it over TLS with a throwaway self-signed certificate.
 */
public final class DemoScenario {
    /** Demo parameters. */
    public record Params(int clients, int messages, int size, boolean tls) {
        /** A plain (TCP) demo. */
        public Params(int clients, int messages, int size) {
            this(clients, messages, size, false);
        }

        public static Params scaled(double scale) {
            return new Params(Tasks.scaled(2000, scale, 20), 100, 64);
        }
    }

    private DemoScenario() {
    }

    public static Report run(Params p, Progress progress) throws Exception {
        Report r = new Report("demo");
        r.parameter("clients", p.clients()).parameter("messages", p.messages()).parameter("size", p.size())
                .parameter("tls", p.tls());
        Resources.Snapshot baseline = Resources.warmBaseline();
        ErrorCounts errors = new ErrorCounts();
        Latency latency = new Latency();
        Semaphore handlersExited = new Semaphore(0);
        int n = p.clients();
        String payload = "x".repeat(Math.max(1, p.size()));
        Connection[] clients = new Connection[n];
        int port;
        SelfSignedTls tls = p.tls() ? SelfSignedTls.create() : null;
        ConnectOptions clientOptions = tls == null ? ConnectOptions.DEFAULTS
                : ConnectOptions.builder().tls(tls.client()).build();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(Tasks.loopbackServer(n).tls(tls == null ? null : tls.server()).build(),
                    Tasks.lineEchoCountingExits(handlersExited));
            port = server.port();

            progress.stage("connect", n);
            long t0 = System.nanoTime();
            Tasks.parallel(n, 256, errors, i -> {
                clients[i] = rt.connect("127.0.0.1", server.port(), clientOptions);
                progress.step();
            });
            r.metric("connect all (ms)", Tasks.millisSince(t0));

            progress.stage("exchange", (long) n * p.messages());
            t0 = System.nanoTime();
            Tasks.parallel(n, 0, errors, i -> {
                Connection c = clients[i];
                if (c == null) {
                    return;
                }
                for (int k = 0; k < p.messages(); k++) {
                    long start = System.nanoTime();
                    c.writeLine(payload);
                    String echo = c.readLine();
                    latency.recordSince(start);
                    if (!payload.equals(echo)) {
                        errors.record("WRONG_ECHO", "client " + i + " got " + echo);
                        return;
                    }
                    progress.step();
                }
            });
            long exchangeNanos = System.nanoTime() - t0;
            r.metric("round trips", latency.count());
            r.metric("round trips/s", Tasks.perSecond(latency.count(), exchangeNanos));
            r.metric("echo MB/s (both directions)",
                    Tasks.perSecond(latency.count() * 2L * (payload.length() + 2), exchangeNanos) / 1e6);
            latency.addTo(r, "round trip");
            r.checkEquals(n, server.clientCount(), "clients connected on the server");

            int clientSide = (n + 1) / 2;
            int serverSide = n - clientSide;
            progress.stage("client-side disconnect", clientSide);
            t0 = System.nanoTime();
            Tasks.parallel(clientSide, 0, errors, i -> {
                clients[i].disconnect();
                progress.step();
            });
            r.metric("client-side disconnect of " + clientSide + " (ms)", Tasks.millisSince(t0));
            r.check(handlersExited.tryAcquire(clientSide, 60, TimeUnit.SECONDS),
                    "every handler of a client-side-disconnected client returned");
            Tasks.await(() -> server.clientCount() == serverSide, Duration.ofSeconds(30));
            r.checkEquals(serverSide, server.clientCount(), "clients left on the server after the client-side half");

            Map<Integer, Connection> accepted = new HashMap<>();
            for (Connection c : server.clients()) {
                accepted.put(c.remoteAddress().getPort(), c);
            }
            progress.stage("server-side disconnect", serverSide);
            AtomicInteger sawClose = new AtomicInteger();
            t0 = System.nanoTime();
            Tasks.parallel(serverSide, 0, errors, j -> {
                Connection mine = clients[clientSide + j];
                Connection theirs = accepted.get(mine.localAddress().getPort());
                if (theirs == null) {
                    errors.record("NO_SERVER_SIDE", "no accepted connection for " + mine.localAddress());
                    return;
                }
                theirs.disconnect();
                progress.step();
            });
            r.metric("server-side disconnect of " + serverSide + " (ms)", Tasks.millisSince(t0));
            Tasks.parallel(serverSide, 0, errors, j -> {
                Connection mine = clients[clientSide + j];
                try {
                    if (mine.readLine() == null) {
                        sawClose.incrementAndGet();
                    }
                } catch (InetException reset) {
                    sawClose.incrementAndGet();
                } finally {
                    mine.disconnect();
                }
            });
            r.checkEquals(serverSide, sawClose.get(), "clients that saw the server-side disconnect");
            r.check(handlersExited.tryAcquire(serverSide, 60, TimeUnit.SECONDS),
                    "every handler of a server-side-disconnected client returned");
            r.checkEquals(0, server.clientCount(), "clients left on the server after the server-side half (L1)");

            progress.stage("server disconnect", 1);
            t0 = System.nanoTime();
            server.disconnect();
            r.metric("server disconnect (ms)", Tasks.millisSince(t0));
            progress.step();
            r.check(!server.isRunning(), "server no longer running after disconnect (L2)");
            r.metric("server accepted", server.stats().accepted());
            r.metric("server handler failures", server.stats().handlerFailures());
            r.checkEquals(n, server.stats().accepted(), "connections accepted");
            r.checkEquals(0, server.stats().handlerFailures(), "handler failures");
        }
        r.check(portBindable(port), "server port can be bound again at once (L2)");
        Resources.checkBackToBaseline(r, baseline);
        errors.checkNone(r, "errors");
        return r;
    }

    static boolean portBindable(int port) {
        try (ServerSocket ss = new ServerSocket()) {
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
