package dev.socketloom.stress.scenario;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.StopResult;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * L3 and L2 under load. The server acknowledges every line ({@code ack <line>}) and, at end of stream, writes
 * {@code done <count>} and returns.
 *
 * <p>Phase 1, {@code stop(grace)}: half the clients ("short") are mid-transfer when stop begins and then finish their
 * request (more lines, half-close, read {@code done}); the other half ("long") stream until the server forces them
 * off. Checks: every short client got every acknowledgement and the final count (no acknowledged data lost for
 * handlers that finished), every long handler was forced, no straggler, nothing left running.
 *
 * <p>Phase 2, {@code disconnect()}: all clients stream; the server is disconnected under load; every client sees the
 * close and every handler has returned when disconnect returns.
 */
public final class StopUnderLoadScenario {
    private static final int PRE = 20;
    private static final int POST = 20;

    /** Parameters: clients (half short, half long) and the grace period of stop. */
    public record Params(int clients, Duration grace) {
        public static Params scaled(double scale, Duration grace) {
            return new Params(Tasks.scaled(2000, scale, 20), grace);
        }
    }

    private StopUnderLoadScenario() {
    }

    public static Report run(Params p, Progress progress) throws Exception {
        Report r = new Report("stop-under-load");
        r.parameter("clients", p.clients()).parameter("grace", p.grace());
        Resources.Snapshot baseline = Resources.warmBaseline();
        ErrorCounts errors = new ErrorCounts();
        ConnectOptions clientOptions = ConnectOptions.builder().readTimeout(Duration.ofSeconds(120))
                .writeTimeout(Duration.ofSeconds(120)).build();
        try (SocketRuntime rt = SocketRuntime.open()) {
            phaseStop(p, progress, r, errors, rt, clientOptions);
            phaseDisconnect(p, progress, r, errors, rt, clientOptions);
        }
        Resources.checkBackToBaseline(r, baseline);
        errors.checkNone(r, "unexpected client errors");
        return r;
    }

    private static Server ackServer(SocketRuntime rt, int clients, AtomicInteger finished, Semaphore exited)
            throws InetException {
        return rt.startServer(Tasks.loopbackServer(clients).build(), c -> {
            try {
                long n = 0;
                String line;
                while ((line = c.readLine()) != null) {
                    c.writeLine("ack " + line);
                    n++;
                }
                c.writeLine("done " + n);
                finished.incrementAndGet();
            } finally {
                exited.release();
            }
        });
    }

    private static void phaseStop(Params p, Progress progress, Report r, ErrorCounts errors, SocketRuntime rt,
                                  ConnectOptions options) throws Exception {
        int n = p.clients();
        int shortCount = n / 2;
        int longCount = n - shortCount;
        AtomicInteger finished = new AtomicInteger();
        Semaphore exited = new Semaphore(0);
        Server server = ackServer(rt, n, finished, exited);
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger shortComplete = new AtomicInteger();
        AtomicInteger longForced = new AtomicInteger();
        progress.stage("stop(grace) under load", n);
        Thread clients = Thread.ofVirtual().start(() -> Tasks.parallel(n, 0, errors, i -> {
            try (Connection c = connect(rt, server.port(), options, ready)) {
                if (c == null) {
                    return;
                }
                if (i < shortCount) {
                    gate.await();
                    if (shortRequest(c, i)) {
                        shortComplete.incrementAndGet();
                    }
                } else if (streamUntilClosed(c, PRE)) {
                    longForced.incrementAndGet();
                }
                progress.step();
            }
        }));
        r.check(ready.await(120, TimeUnit.SECONDS), "all clients connected and mid-transfer before stop");
        gate.countDown();
        long t0 = System.nanoTime();
        StopResult result = server.stop(p.grace());
        r.metric("stop(grace) took (ms)", Tasks.millisSince(t0));
        clients.join();
        r.metric("stop: graceful", result.graceful());
        r.metric("stop: forced", result.forced());
        r.metric("stop: stragglers", result.stragglers().size());
        r.checkEquals(longCount, result.forced(), "clients forced by stop (the long streams)");
        r.check(result.graceful() <= shortCount, "graceful (" + result.graceful() + ") <= short clients");
        r.check(result.stragglers().isEmpty(), "no stragglers after stop " + result.stragglers());
        r.checkEquals(shortCount, finished.get(), "handlers that finished on their own");
        r.checkEquals(shortCount, shortComplete.get(),
                "short clients that got every acknowledgement and the final count (no acknowledged data lost)");
        r.checkEquals(longCount, longForced.get(), "long clients that saw the forced close");
        r.check(exited.tryAcquire(n, 1, TimeUnit.SECONDS), "every handler had returned when stop() returned (L3)");
        r.checkEquals(0, server.clientCount(), "clients after stop");
        r.checkEquals(0, server.stats().handlerFailures(), "handler failures");
    }

    private static void phaseDisconnect(Params p, Progress progress, Report r, ErrorCounts errors, SocketRuntime rt,
                                        ConnectOptions options) throws Exception {
        int n = p.clients();
        AtomicInteger finished = new AtomicInteger();
        Semaphore exited = new Semaphore(0);
        Server server = ackServer(rt, n, finished, exited);
        CountDownLatch ready = new CountDownLatch(n);
        AtomicInteger sawClose = new AtomicInteger();
        progress.stage("disconnect() under load", n);
        Thread clients = Thread.ofVirtual().start(() -> Tasks.parallel(n, 0, errors, i -> {
            try (Connection c = connect(rt, server.port(), options, ready)) {
                if (c != null && streamUntilClosed(c, PRE)) {
                    sawClose.incrementAndGet();
                }
                progress.step();
            }
        }));
        r.check(ready.await(120, TimeUnit.SECONDS), "all clients connected and streaming before disconnect");
        long t0 = System.nanoTime();
        server.disconnect();
        r.metric("disconnect() under load of " + n + " clients (ms)", Tasks.millisSince(t0));
        r.check(exited.tryAcquire(n, 1, TimeUnit.SECONDS), "every handler had returned when disconnect() returned (L2)");
        clients.join();
        r.checkEquals(n, sawClose.get(), "clients that saw the server disconnect");
        r.checkEquals(0, server.clientCount(), "clients after disconnect");
    }

    /** Connects and exchanges {@link #PRE} lines, then counts down {@code ready}; null (and counted down) on failure. */
    private static Connection connect(SocketRuntime rt, int port, ConnectOptions options, CountDownLatch ready)
            throws InetException {
        Connection c = null;
        try {
            c = rt.connect("127.0.0.1", port, options);
            for (int k = 0; k < PRE; k++) {
                exchange(c, k);
            }
            return c;
        } catch (InetException e) {
            if (c != null) {
                c.disconnect();
            }
            throw e;
        } finally {
            ready.countDown();
        }
    }

    private static void exchange(Connection c, long seq) throws InetException {
        c.writeLine(Long.toString(seq));
        String ack = c.readLine();
        if (!("ack " + seq).equals(ack)) {
            throw new InetException(InetError.IO_ERROR, "expected ack " + seq + ", got " + ack);
        }
    }

    /** Finishes a short request; true if every line was acknowledged and the final count is right. */
    private static boolean shortRequest(Connection c, int i) throws InetException {
        for (int k = PRE; k < PRE + POST; k++) {
            exchange(c, k);
        }
        c.shutdownOutput();
        String done = c.readLine();
        if (!("done " + (PRE + POST)).equals(done)) {
            throw new InetException(InetError.IO_ERROR, "short client " + i + " expected done, got " + done);
        }
        return c.readLine() == null;
    }

    /**
     * Streams lines, checking each acknowledgement, until the server closes the connection; true when it ended by
     * the server's close (end of stream or reset), never by a wrong acknowledgement.
     */
    private static boolean streamUntilClosed(Connection c, long seq) throws InetException {
        while (true) {
            try {
                c.writeLine(Long.toString(seq));
                String ack = c.readLine();
                if (ack == null) {
                    return true;
                }
                if (!ack.equals("ack " + seq)) {
                    throw new InetException(InetError.IO_ERROR, "expected ack " + seq + ", got " + ack);
                }
                seq++;
            } catch (InetException e) {
                if (e.error() == InetError.CONNECTION_RESET) {
                    return true;
                }
                throw e;
            }
        }
    }
}
