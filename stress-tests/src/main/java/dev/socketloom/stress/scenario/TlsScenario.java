package dev.socketloom.stress.scenario;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.ConnectionHandler;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.TlsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * TLS at scale (L13 and L1/L2 for TLS): handshake churn (connect, one round trip, half graceful disconnects with
 * close_notify, half {@code abort()}); stalled handshakes (silent peers and peers dripping a byte a second) while
 * healthy TLS clients echo with zero errors, each stalled one closed at the handshake timeout and counted; and
 * {@code Server.disconnect()} with many idle TLS clients (every thread joined, port free, descriptors back).
 */
public final class TlsScenario {
    /** Sizes: churn cycles, stalled peers, healthy clients and their rounds, idle clients, handshake timeout. */
    public record Params(int churn, int stalled, int healthy, int rounds, int idle, Duration handshakeTimeout) {
        public static Params scaled(double scale) {
            return new Params(Tasks.scaled(10_000, scale, 100), Tasks.scaled(1000, scale, 20),
                    Tasks.scaled(200, scale, 10), 50, Tasks.scaled(5000, scale, 50),
                    scale >= 1.0 ? Duration.ofSeconds(10) : Duration.ofSeconds(2));
        }
    }

    private TlsScenario() {
    }

    public static Report run(Params p, Progress progress) throws Exception {
        Report r = new Report("tls");
        r.parameter("churn cycles", p.churn()).parameter("stalled handshakes", p.stalled())
                .parameter("healthy clients", p.healthy()).parameter("idle clients", p.idle())
                .parameter("handshake timeout", p.handshakeTimeout());
        Resources.Snapshot baseline = Resources.warmBaseline();
        SelfSignedTls tls = SelfSignedTls.create();
        ConnectOptions client = ConnectOptions.builder().tls(tls.client()).readTimeout(Duration.ofSeconds(60)).build();
        churn(r, p, tls, client, progress);
        stalled(r, p, tls, client, progress);
        idle(r, p, tls, client, progress);
        Resources.checkBackToBaseline(r, baseline);
        return r;
    }

    private static void churn(Report r, Params p, SelfSignedTls tls, ConnectOptions client, Progress progress)
            throws Exception {
        ErrorCounts errors = new ErrorCounts();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(Tasks.loopbackServer(64).tls(tls.server()).build(), resetTolerantEcho());
            progress.stage("TLS handshake churn", p.churn());
            long t0 = System.nanoTime();
            Tasks.parallel(p.churn(), 8, errors, i -> {
                Connection c = rt.connect("127.0.0.1", server.port(), client);
                c.writeLine("cycle " + i);
                if (!("cycle " + i).equals(c.readLine())) {
                    errors.record("WRONG_ECHO", "cycle " + i);
                }
                if (i % 2 == 0) {
                    c.disconnect(); // close_notify
                } else {
                    c.abort(); // reset, no close_notify
                }
                progress.step();
            });
            long nanos = System.nanoTime() - t0;
            r.metric("TLS connect+echo+close cycles/s", Tasks.perSecond(p.churn(), nanos));
            Tasks.await(() -> server.clientCount() == 0, Duration.ofSeconds(60));
            r.checkEquals(p.churn(), server.stats().accepted(), "churn: handshakes completed and handed to handlers");
            r.checkEquals(0, server.stats().tlsHandshakeFailures(), "churn: failed handshakes");
            r.checkEquals(0, server.stats().handlerFailures(), "churn: handler failures");
            server.disconnect();
        }
        errors.checkNone(r, "churn errors");
    }

    private static void stalled(Report r, Params p, SelfSignedTls tls, ConnectOptions client, Progress progress)
            throws Exception {
        ErrorCounts errors = new ErrorCounts();
        TlsOptions timed = tls.server().toBuilder().handshakeTimeout(p.handshakeTimeout()).build();
        List<Socket> peers = new ArrayList<>();
        List<Thread> drippers = new ArrayList<>();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(Tasks.loopbackServer(p.stalled() + p.healthy()).tls(timed).build(),
                    resetTolerantEcho());
            progress.stage("stalled handshakes + healthy TLS echo", p.stalled() + (long) p.healthy() * p.rounds());
            long t0 = System.nanoTime();
            for (int i = 0; i < p.stalled(); i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
                peers.add(s);
                if (i % 2 == 1) {
                    drippers.add(Thread.ofVirtual().name("tls-scenario-dripper").start(() -> drip(s)));
                }
                progress.step();
            }
            Tasks.parallel(p.healthy(), 0, errors, i -> {
                try (Connection c = rt.connect("127.0.0.1", server.port(), client)) {
                    for (int k = 0; k < p.rounds(); k++) {
                        c.writeLine("healthy " + i + " " + k);
                        if (!("healthy " + i + " " + k).equals(c.readLine())) {
                            errors.record("WRONG_ECHO", "healthy client " + i);
                            return;
                        }
                        progress.step();
                    }
                }
            });
            r.metric("healthy clients served while handshakes stalled (ms)", Tasks.millisSince(t0));
            r.check(Tasks.await(() -> server.stats().tlsHandshakeFailures() == p.stalled(),
                    p.handshakeTimeout().multipliedBy(3).plusSeconds(30)),
                    "every stalled handshake was closed at the handshake timeout and counted: "
                            + server.stats().tlsHandshakeFailures() + " of " + p.stalled());
            long closed = peers.stream().filter(TlsScenario::closedByServer).count();
            r.checkEquals(p.stalled(), closed, "stalled peers that saw the server close");
            r.checkEquals(p.healthy(), server.stats().accepted(), "only completed handshakes reached the handler");
            server.disconnect();
        } finally {
            for (Socket s : peers) {
                s.close();
            }
            for (Thread t : drippers) {
                t.join(Duration.ofSeconds(30));
            }
        }
        errors.checkNone(r, "healthy client errors");
    }

    private static void idle(Report r, Params p, SelfSignedTls tls, ConnectOptions client, Progress progress)
            throws Exception {
        ErrorCounts errors = new ErrorCounts();
        Connection[] clients = new Connection[p.idle()];
        try (SocketRuntime serverRt = SocketRuntime.open(); SocketRuntime clientRt = SocketRuntime.open()) {
            Server server = serverRt.startServer(Tasks.loopbackServer(p.idle()).tls(tls.server()).build(),
                    resetTolerantEcho());
            progress.stage("idle TLS clients", p.idle());
            Tasks.parallel(p.idle(), 64, errors, i -> {
                clients[i] = clientRt.connect("127.0.0.1", server.port(), client);
                clients[i].writeLine("hello");
                clients[i].readLine();
                progress.step();
            });
            r.checkEquals(p.idle(), server.clientCount(), "idle TLS clients connected");
            int port = server.port();
            long t0 = System.nanoTime();
            server.disconnect();
            r.metric("Server.disconnect() with " + p.idle() + " idle TLS clients (ms)", Tasks.millisSince(t0));
            r.checkEquals(0, server.clientCount(), "clients left after disconnect (L2)");
            r.checkEquals(0, Resources.snapshot().threads().values().stream().filter(n -> n.startsWith(
                    "socketloom-client-") || n.startsWith("socketloom-server-" + port)).count(),
                    "server threads alive after disconnect (L2)");
            r.check(DemoScenario.portBindable(port), "port bound again at once (L2)");
            Tasks.parallel(p.idle(), 64, errors, i -> {
                if (clients[i] != null) {
                    try {
                        if (clients[i].readLine() != null) {
                            errors.record("NO_CLOSE", "idle client " + i + " read data instead of the close");
                        }
                    } catch (InetException e) {
                        if (e.error() != InetError.CONNECTION_RESET) {
                            throw e;
                        }
                    } finally {
                        clients[i].disconnect();
                    }
                }
            });
        }
        errors.checkNone(r, "idle client errors");
    }

    private static ConnectionHandler resetTolerantEcho() {
        return c -> {
            try {
                String line;
                while ((line = c.readLine()) != null) {
                    c.writeLine(line);
                }
            } catch (InetException e) {
                if (e.error() != InetError.CONNECTION_RESET) {
                    throw e; // abort() resets the connection: routine here
                }
            }
        };
    }

    /** A peer that starts a ClientHello and then sends one more byte a second. */
    private static void drip(Socket s) {
        byte[] hello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
        try {
            for (int i = 0; ; i++) {
                s.getOutputStream().write(hello[i % hello.length]);
                LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
            }
        } catch (IOException closed) {
            // the server closed it at the handshake timeout
        }
    }

    private static boolean closedByServer(Socket s) {
        try {
            s.setSoTimeout(5_000);
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // an alert, if the server sent one
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
