package dev.socketloom.stress.scenario;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Misbehaving peers and handlers against one server while healthy clients keep echoing (L6, L10): peers that RST
 * mid-write, half-close and keep reading, slowloris (1 byte/s), never read (write timeout), send an over-long line,
 * connect and vanish; handlers that throw and handlers that ignore interrupts. Every fault must end the way the
 * contract says, and the healthy clients must see no error at all.
 */
public final class FaultsScenario {
    private static final int MAX_LINE = 1024;
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(2);

    /** Parameters: instances of each fault, healthy clients, and how long the slowloris line takes (1 byte/s). */
    public record Params(int perFault, int healthy, Duration slowloris) {
        public static Params scaled(double scale, Duration seconds) {
            return new Params(Tasks.scaled(50, scale, 2), Tasks.scaled(200, scale, 4), seconds);
        }
    }

    private final Params p;
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final CountDownLatch stallsTimedOut;
    private final CountDownLatch stubbornRelease = new CountDownLatch(1);
    private final Semaphore stubbornExited = new Semaphore(0);
    private final Semaphore handled = new Semaphore(0);

    private FaultsScenario(Params p) {
        this.p = p;
        stallsTimedOut = new CountDownLatch(p.perFault());
    }

    public static Report run(Params p, Progress progress) throws Exception {
        return new FaultsScenario(p).run(progress);
    }

    private void outcome(String command, String how) {
        outcomes.computeIfAbsent(command + ":" + how, k -> new LongAdder()).increment();
    }

    private long outcomes(String prefix) {
        return outcomes.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    private void handle(Connection c) throws Exception {
        try {
            dispatch(c);
        } finally {
            handled.release();
        }
    }

    private void dispatch(Connection c) throws Exception {
        String command;
        try {
            command = c.readLine();
        } catch (InetException e) {
            outcome("vanish", e.error().name());
            return;
        }
        if (command == null) {
            outcome("vanish", "EOF");
            return;
        }
        switch (command) {
            case "echo" -> echo(c);
            case "flood-rst", "flood-stall" -> flood(c, command);
            case "throw" -> throw new IllegalStateException("deliberate handler failure (fault scenario)");
            case "stubborn" -> stubborn(c);
            default -> outcome("unknown", command);
        }
    }

    private void echo(Connection c) throws InetException {
        try {
            String line;
            while ((line = c.readLine()) != null) {
                c.writeLine(line);
            }
            outcome("echo", "EOF");
        } catch (InetException e) {
            outcome("echo", e.error().name());
            if (e.error() == InetError.LINE_TOO_LONG) {
                c.writeLine("ERROR LINE_TOO_LONG");
                byte[] drain = new byte[4096];
                while (c.read(drain, 0, drain.length) >= 0) {
                    // discard the rest so that our close is a FIN, not a RST that could destroy the error line
                }
            }
        }
    }

    private void flood(Connection c, String command) {
        byte[] chunk = new byte[64 * 1024];
        try {
            while (true) {
                c.write(chunk);
            }
        } catch (InetException e) {
            outcome(command, e.error().name());
            if (command.equals("flood-stall")) {
                stallsTimedOut.countDown();
            }
        }
    }

    private void stubborn(Connection c) throws InetException {
        try {
            c.writeLine("ok");
            while (true) {
                try {
                    if (stubbornRelease.await(5, TimeUnit.MINUTES)) {
                        break;
                    }
                } catch (InterruptedException ignored) {
                    // deliberately ignored: this handler is the stubborn one (L6)
                }
            }
            outcome("stubborn", "RELEASED");
        } finally {
            stubbornExited.release();
        }
    }

    private Report run(Progress progress) throws Exception {
        Report r = new Report("faults");
        int k = p.perFault();
        r.parameter("per fault", k).parameter("healthy clients", p.healthy())
                .parameter("slowloris seconds", p.slowloris().toSeconds());
        Resources.Snapshot baseline = Resources.warmBaseline();
        ErrorCounts faultErrors = new ErrorCounts();
        ErrorCounts healthyErrors = new ErrorCounts();
        Latency healthyLatency = new Latency();
        ConnectOptions serverSide = ConnectOptions.builder().maxLineLength(MAX_LINE).writeTimeout(WRITE_TIMEOUT)
                .readTimeout(Duration.ofSeconds(60)).sendBufferSize(64 * 1024).joinDeadline(Duration.ofSeconds(1))
                .build();
        ConnectOptions clientSide = ConnectOptions.builder().readTimeout(Duration.ofSeconds(60))
                .receiveBufferSize(64 * 1024).build();
        try (SocketRuntime serverRt = SocketRuntime.open(); SocketRuntime clientRt = SocketRuntime.open()) {
            Server server = serverRt.startServer(Tasks.loopbackServer(1024).clientOptions(serverSide)
                    .joinDeadline(Duration.ofSeconds(1)).build(), this::handle);
            int port = server.port();
            AtomicBoolean faultsRunning = new AtomicBoolean(true);
            CountDownLatch healthyStarted = new CountDownLatch(p.healthy());
            Thread healthy = Thread.ofVirtual().start(() -> Tasks.parallel(p.healthy(), 0, healthyErrors, i -> {
                try (Connection c = clientRt.connect("127.0.0.1", port, clientSide)) {
                    c.writeLine("echo");
                    healthyStarted.countDown();
                    String msg = "healthy " + i;
                    while (faultsRunning.get()) {
                        long start = System.nanoTime();
                        c.writeLine(msg);
                        String echo = c.readLine();
                        healthyLatency.recordSince(start);
                        if (!msg.equals(echo)) {
                            healthyErrors.record("WRONG_ECHO", "healthy client " + i + " got " + echo);
                            return;
                        }
                    }
                } finally {
                    healthyStarted.countDown();
                }
            }));
            r.check(healthyStarted.await(60, TimeUnit.SECONDS), "healthy clients started");

            progress.stage("faults (slowloris sets the pace)", 8L * k);
            long t0 = System.nanoTime();
            String[] faults = {"rst", "half-close", "slowloris", "never-read", "over-long", "vanish", "throw",
                    "stubborn"};
            CountDownLatch stubbornConnected = new CountDownLatch(k);
            Thread stubbornClients = Thread.ofVirtual().start(() -> Tasks.parallel(k, 0, faultErrors, i -> {
                try (Connection c = clientRt.connect("127.0.0.1", port, clientSide)) {
                    c.writeLine("stubborn");
                    expect(c, "ok");
                    stubbornConnected.countDown();
                    expectClosed(c); // when the server disconnects
                }
            }));
            Tasks.parallel(7 * k, 0, faultErrors, i -> {
                try (Connection c = clientRt.connect("127.0.0.1", port, clientSide)) {
                    switch (faults[i % 7]) {
                        case "rst" -> {
                            c.writeLine("flood-rst");
                            byte[] buf = new byte[256 * 1024];
                            c.readFully(buf, 0, buf.length);
                            c.abort();
                        }
                        case "half-close" -> {
                            c.writeLine("echo");
                            for (int n = 0; n < 100; n++) {
                                c.writeLine("half " + n);
                            }
                            c.shutdownOutput();
                            for (int n = 0; n < 100; n++) {
                                expect(c, "half " + n);
                            }
                            expectEnd(c);
                        }
                        case "slowloris" -> {
                            c.writeLine("echo");
                            long bytes = Math.max(1, p.slowloris().toSeconds());
                            StringBuilder sent = new StringBuilder();
                            for (long b = 0; b < bytes; b++) {
                                char ch = (char) ('a' + b % 26);
                                c.write(new byte[] {(byte) ch});
                                sent.append(ch);
                                Thread.sleep(1000); // pacing: 1 byte per second, not synchronization
                            }
                            c.write("\n".getBytes(StandardCharsets.US_ASCII));
                            expect(c, sent.toString());
                        }
                        case "never-read" -> {
                            c.writeLine("flood-stall");
                            if (!stallsTimedOut.await(120, TimeUnit.SECONDS)) {
                                throw new InetException(InetError.TIMEOUT, "server write never timed out");
                            }
                        }
                        case "over-long" -> {
                            c.writeLine("echo");
                            c.writeLine("x".repeat(4 * MAX_LINE));
                            expect(c, "ERROR LINE_TOO_LONG");
                        }
                        case "vanish" -> {
                            if (i % 2 == 0) {
                                c.abort();
                            }
                        }
                        case "throw" -> {
                            c.writeLine("throw");
                            expectClosed(c);
                        }
                        default -> throw new IllegalStateException();
                    }
                }
                progress.step();
            });
            r.check(stubbornConnected.await(60, TimeUnit.SECONDS), "stubborn handlers running");
            progress.stepBy(k);
            r.metric("faults took (s)", Tasks.millisSince(t0) / 1000);
            faultsRunning.set(false);
            healthy.join();

            int vanished = 0;
            for (int i = 0; i < 7 * k; i++) {
                vanished += faults[i % 7].equals("vanish") ? 1 : 0;
            }
            int per = k;
            r.check(handled.tryAcquire(7 * k + p.healthy(), 60, TimeUnit.SECONDS),
                    "every handler but the stubborn ones has returned");
            r.checkEquals(per, outcomes("flood-rst:"), "RST mid-write: flood handlers that ended with an error");
            r.checkEquals(0, outcomes("flood-rst:TIMEOUT"), "RST mid-write: none ended by timeout");
            r.checkEquals(per, outcomes("flood-stall:TIMEOUT"), "never-read peers: writes ended by the write timeout");
            r.checkEquals(per, outcomes("echo:LINE_TOO_LONG"), "over-long lines refused with LINE_TOO_LONG");
            r.checkEquals(2L * per + p.healthy(), outcomes("echo:EOF"),
                    "half-close, slowloris and healthy handlers that ended at end of stream");
            r.checkEquals(vanished, outcomes("vanish:"), "connect-and-vanish handlers that ended");
            r.checkEquals(per, server.stats().handlerFailures(), "handler failures (the throwing handlers)");
            r.checkEquals(0, server.stats().acceptFailures(), "accept failures");
            r.checkEquals(0, outcomes("unknown:"), "unknown commands");
            Tasks.await(() -> server.clientCount() == k, Duration.ofSeconds(30));
            r.checkEquals(k, server.clientCount(), "clients left before disconnect (the stubborn ones)");

            progress.stage("disconnect with stubborn handlers", 1);
            t0 = System.nanoTime();
            InetException stuck = null;
            try {
                server.disconnect();
            } catch (InetException e) {
                stuck = e;
            }
            r.metric("server disconnect with stubborn handlers (ms)", Tasks.millisSince(t0));
            r.check(stuck != null && stuck.error() == InetError.THREAD_NOT_TERMINATED,
                    "disconnect reported THREAD_NOT_TERMINATED (L6): " + (stuck == null ? "nothing"
                            : stuck.error() + " naming " + stuck.stragglers().stream().limit(2).toList() + "..."));
            r.checkEquals(k, stuck == null ? 0 : stuck.stragglers().size(), "stragglers named");
            r.checkEquals(0, server.clientCount(), "clients after disconnect (sockets closed anyway)");
            stubbornClients.join();
            stubbornRelease.countDown();
            r.check(stubbornExited.tryAcquire(k, 60, TimeUnit.SECONDS), "stubborn handlers ended once released");
            progress.step();

            Map<String, Long> seen = new TreeMap<>();
            outcomes.forEach((key, v) -> seen.put(key, v.sum()));
            r.metric("handler outcomes", seen);
            r.metric("healthy round trips", healthyLatency.count());
            healthyLatency.addTo(r, "healthy round trip");
            r.check(healthyLatency.count() >= p.healthy(), "healthy clients kept being served");
        }
        Resources.checkBackToBaseline(r, baseline);
        faultErrors.checkNone(r, "unexpected fault-client errors");
        healthyErrors.checkNone(r, "healthy client errors");
        return r;
    }

    private static void expect(Connection c, String expected) throws InetException {
        String line = c.readLine();
        if (!expected.equals(line)) {
            throw new InetException(InetError.IO_ERROR, "expected \"" + abbreviate(expected) + "\", got \""
                    + abbreviate(line) + "\"");
        }
    }

    private static void expectEnd(Connection c) throws InetException {
        String line = c.readLine();
        if (line != null) {
            throw new InetException(InetError.IO_ERROR, "expected end of stream, got " + abbreviate(line));
        }
    }

    /** End of stream or reset: both mean the server closed. */
    private static void expectClosed(Connection c) throws InetException {
        try {
            expectEnd(c);
        } catch (InetException e) {
            if (e.error() != InetError.CONNECTION_RESET) {
                throw e;
            }
        }
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 40 ? s : s.substring(0, 40) + "...(" + s.length() + ")";
    }
}
