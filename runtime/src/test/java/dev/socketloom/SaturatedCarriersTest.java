package dev.socketloom;

import static dev.socketloom.testing.TestSupport.DEADLINE;
import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.testing.LeakCheckExtension.Snapshot;
import dev.socketloom.testing.PingPong;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * L2, L3, L6 and L8 while handlers keep every carrier busy: nothing on the stop path may wait for a virtual thread
 * that the busy scheduler does not run, so the stop calls return promptly, with every thread joined, or report the
 * threads still alive truthfully.
 *
 * <p>Each round starts a fresh runtime and line-echo server, lets {@value #PAIRS} clients of this JVM ping-pong with
 * their handlers as fast as they can (every one a virtual thread, so with the JDK's default scheduler and poller mode
 * every carrier is busy), then calls the stop path from this test's (platform) thread and times it. A stall is
 * probabilistic - when it happens it lasts a whole join deadline or more, and on JDK 25 it happened in most rounds
 * (docs/saturation.md) - so there are many rounds, and a failure lists every round's duration and outcome. The bound
 * is generous (half the default join deadline of 5 s) so that only a stall, not a slow machine, can break it. A test
 * stops early once {@value #ENOUGH} rounds failed: the evidence is in, and every stalled round costs seconds.
 */
class SaturatedCarriersTest {
    private static final int ROUNDS = 12;
    private static final int PAIRS = 20;
    private static final int ENOUGH = 3;
    private static final Duration DEFAULT_JOIN_DEADLINE = ServerOptions.builder().build().joinDeadline();
    /** Far above a prompt stop (milliseconds), far below a stalled one (a join deadline, 5 s, or more). */
    private static final Duration BOUND = DEFAULT_JOIN_DEADLINE.dividedBy(2);
    /** How long the load runs, after every pair has proved it is moving, before the stop call. */
    private static final Duration SATURATE = Duration.ofMillis(300);
    private static final Duration GRACE = Duration.ofMillis(200);
    /** The runtime's thread that holds the JVM alive while servers run; released by the last server's stop. */
    private static final String KEEPER = "socketloom-keeper";

    @Test
    void serverDisconnectReturnsPromptlyWhileHandlersSaturateTheCarriers() throws Exception {
        rounds("Server.disconnect()", loopback().build(), (round, result) -> {
            long t0 = System.nanoTime();
            String outcome = call(round.server::disconnect);
            result.took(t0, BOUND, outcome);
            result.expect(outcome.equals("returned"), "returned normally (every handler answers its interrupt)");
            round.checkServerDown(result);
        });
    }

    @Test
    void gracefulStopReturnsPromptlyAfterItsGraceWhileHandlersSaturateTheCarriers() throws Exception {
        rounds("Server.stop(" + GRACE.toMillis() + " ms)", loopback().build(), (round, result) -> {
            long t0 = System.nanoTime();
            StopResult[] stop = new StopResult[1];
            String outcome = call(() -> stop[0] = round.server.stop(GRACE));
            result.took(t0, GRACE.plus(BOUND), outcome + (stop[0] != null ? " " + stop[0] : ""));
            // the handlers echo for as long as their clients ping: none can finish within the grace
            result.expect(stop[0] != null && stop[0].equals(new StopResult(0, PAIRS, List.of())),
                    "StopResult[graceful=0, forced=" + PAIRS + ", stragglers=[]]");
            round.checkServerDown(result);
        });
    }

    @Test
    void runtimeCloseReturnsPromptlyWhileHandlersSaturateTheCarriers() throws Exception {
        rounds("SocketRuntime.close()", loopback().build(), (round, result) -> {
            long t0 = System.nanoTime();
            String outcome = call(round.rt::close);
            result.took(t0, BOUND, outcome);
            result.expect(outcome.equals("returned"), "returned normally (every handler answers its interrupt)");
            round.checkServerDown(result);
            result.expect(round.rt.liveThreadCount() == 0, "liveThreadCount() == 0, was " + round.rt.liveThreadCount());
            List<String> ours = socketloomThreads();
            result.expect(ours.isEmpty(), "no socketloom thread left, found " + ours);
        });
    }

    /**
     * L6 with a join deadline (1 ms) that saturated carriers make sure to exceed: disconnect() either returns
     * normally with no thread of the server alive, or throws THREAD_NOT_TERMINATED naming every thread of the server
     * still alive when it returned (the acceptor and the keeper included: a runtime thread that outlives the deadline
     * is a straggler too). Either way everything is closed, and the stragglers end on their own once the load is gone.
     */
    @Test
    void aDisconnectNeverReportsSuccessWhileAnAcceptorOrClientThreadIsAlive() throws Exception {
        Duration tiny = Duration.ofMillis(1);
        ServerOptions options = loopback().joinDeadline(tiny).build();
        rounds("Server.disconnect() with joinDeadline " + tiny.toMillis() + " ms", options, (round, result) -> {
            long t0 = System.nanoTime();
            InetException[] thrown = new InetException[1];
            String outcome = call(() -> {
                try {
                    round.server.disconnect();
                } catch (InetException e) {
                    thrown[0] = e;
                    throw e;
                }
            });
            // read at once: a thread alive now was alive when disconnect() decided what to report
            List<String> alive = round.serverThreadsAlive();
            result.took(t0, BOUND, outcome);
            if (thrown[0] == null) {
                result.expect(alive.isEmpty(), "returned normally, so no thread of the server may be alive; "
                        + "alive: " + alive);
            } else {
                InetException e = thrown[0];
                result.expect(e.error() == InetError.THREAD_NOT_TERMINATED, "only THREAD_NOT_TERMINATED: " + e);
                List<String> unreported = alive.stream().filter(n -> !e.stragglers().contains(n)).toList();
                result.expect(unreported.isEmpty(), "stragglers " + e.stragglers() + " name every thread "
                        + "of the server still alive; not named: " + unreported);
                List<String> foreign = e.stragglers().stream().filter(n -> !round.isServerThread(n)).toList();
                result.expect(foreign.isEmpty(), "stragglers are threads of this server; others: " + foreign);
            }
            // The JDK releases a listening port only once no thread is blocked in its accept() any more: a
            // straggling acceptor still holds it, so then the port is checked after the stragglers ended.
            boolean acceptorStraggles = thrown[0] != null
                    && thrown[0].stragglers().contains(round.acceptorName());
            round.checkClosed(result, !acceptorStraggles);
            round.awaitServerThreadsGone(result);
            if (acceptorStraggles) {
                round.checkPortFree(result);
            }
        });
    }

    // ------------------------------------------------------------------ rounds

    private interface Body {
        void run(Round round, Result result) throws Exception;
    }

    private interface Call {
        void run() throws Exception;
    }

    /** "returned" or the exception, for the round's report. */
    private static String call(Call call) {
        try {
            call.run();
            return "returned";
        } catch (InetException e) {
            return "threw " + e.error() + " " + e.stragglers();
        } catch (Exception e) {
            return "threw " + e;
        }
    }

    /** Runs up to {@link #ROUNDS} fresh rounds of {@code body} and fails with all of them if any failed. */
    private static void rounds(String what, ServerOptions options, Body body) throws Exception {
        List<Result> results = new ArrayList<>();
        int failed = 0;
        for (int i = 1; i <= ROUNDS && failed < ENOUGH; i++) {
            Result result = new Result(i);
            try (Round round = new Round(options)) {
                round.saturate();
                body.run(round, result);
            } catch (Exception | AssertionError e) {
                result.expect(false, "round failed: " + e);
            }
            results.add(result);
            failed += result.failures.isEmpty() ? 0 : 1;
        }
        String report = what + " under " + PAIRS + " busy ping-pong connections, " + results.size() + " of " + ROUNDS
                + " rounds (bound " + BOUND.toMillis() + " ms" + (what.startsWith("Server.stop") ? " after the grace"
                : "") + "), durations (ms): " + results.stream().map(r -> String.valueOf(r.millis))
                .collect(Collectors.joining(", ")) + "\n  "
                + results.stream().map(Result::toString).collect(Collectors.joining("\n  "));
        System.out.println(report);
        int broken = failed;
        assertTrue(broken == 0, () -> broken + " round(s) broke the guarantee: " + report);
    }

    /** What one round measured and which of its expectations failed. */
    private static final class Result {
        final int round;
        long millis = -1;
        String outcome = "(not called)";
        final List<String> failures = new ArrayList<>();

        Result(int round) {
            this.round = round;
        }

        void took(long startNanos, Duration bound, String outcome) {
            long nanos = System.nanoTime() - startNanos;
            this.millis = TimeUnit.NANOSECONDS.toMillis(nanos);
            this.outcome = outcome;
            expect(nanos < bound.toNanos(), "returned within " + bound.toMillis() + " ms");
        }

        void expect(boolean holds, String what) {
            if (!holds) {
                failures.add(what);
            }
        }

        @Override
        public String toString() {
            return "round " + round + ": " + millis + " ms, " + outcome
                    + (failures.isEmpty() ? "" : "  BROKEN: " + String.join("; ", failures));
        }
    }

    /**
     * A fresh runtime with one line-echo server and {@link #PAIRS} busy clients. Closing it stops the load, waits for
     * every thread it started and closes the runtime.
     */
    private static final class Round implements AutoCloseable {
        final SocketRuntime rt = SocketRuntime.open();
        final Set<Thread> handlers = ConcurrentHashMap.newKeySet();
        final Server server;
        final int port;
        final List<Connection> clients = new ArrayList<>();
        final List<PingPong> pingers = new ArrayList<>();

        Round(ServerOptions options) throws InetException {
            server = rt.startServer(options, c -> {
                handlers.add(Thread.currentThread());
                LINE_ECHO.handle(c);
            });
            port = server.port();
        }

        void saturate() throws Exception {
            ConnectOptions options = ConnectOptions.builder().readTimeout(DEADLINE).build();
            for (int i = 0; i < PAIRS; i++) {
                clients.add(rt.connect("127.0.0.1", port, options));
            }
            pingers.addAll(PingPong.startAll(clients, "test-pingpong-"));
            PingPong.awaitRoundTrips(pingers, 20);
            Thread.sleep(SATURATE);
        }

        String acceptorName() {
            return "socketloom-server-" + port + "-acceptor";
        }

        /**
         * Threads of this server: its acceptor, its clients' handler threads, and the runtime's keeper, which the
         * server's end releases (it is the round runtime's only server) and the stop path joins with the rest (L6:
         * a runtime thread that outlives the deadline is a straggler too).
         */
        boolean isServerThread(String name) {
            return name.startsWith("socketloom-server-" + port + "-") || name.startsWith("socketloom-client-")
                    || name.equals(KEEPER);
        }

        /**
         * Threads of this server alive now. The round's runtime has this one server and client connections without
         * threads, so every {@code socketloom-client-*} thread in the process is one of its handlers, and the keeper
         * is there for this server alone.
         */
        List<String> serverThreadsAlive() throws IOException {
            return Snapshot.take().threads().values().stream().filter(this::isServerThread).sorted().toList();
        }

        /** L2 at the moment the call returned: joined, closed, unregistered, the port free. */
        void checkServerDown(Result result) throws IOException {
            List<String> alive = serverThreadsAlive();
            result.expect(alive.isEmpty(), "every thread of the server joined; alive: " + alive);
            // (not every handler need have run: under this load a handler started late may wait until the end)
            long handlersAlive = handlers.stream().filter(Thread::isAlive).count();
            result.expect(handlersAlive == 0, "every handler thread joined; " + handlersAlive + " alive");
            checkClosed(result, true);
        }

        /** What holds whether or not every thread was joined: closed, no clients (and, if asked, the port free). */
        void checkClosed(Result result, boolean portFree) {
            result.expect(!server.isRunning(), "server not running");
            result.expect(server.clientCount() == 0, "clientCount() == 0, was " + server.clientCount());
            result.expect(!rt.servers().contains(server), "server gone from the runtime's servers()");
            if (portFree) {
                checkPortFree(result);
            }
        }

        void checkPortFree(Result result) {
            try (ServerSocket again = new ServerSocket()) {
                again.setReuseAddress(true);
                again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (IOException e) {
                result.expect(false, "port " + port + " can be bound again: " + e);
            }
        }

        /** Stragglers are reported, not leaked: they end once the load is gone. */
        void awaitServerThreadsGone(Result result) throws Exception {
            stopLoad();
            long end = System.nanoTime() + DEADLINE.toNanos();
            List<String> alive;
            while (!(alive = serverThreadsAlive()).isEmpty() && System.nanoTime() < end) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            result.expect(alive.isEmpty(), "stragglers ended within " + DEADLINE + "; alive: " + alive);
            for (Thread t : handlers) {
                result.expect(t.join(Duration.ofMillis(1)), t.getName() + " ended");
            }
        }

        /** Disconnects the client sides and waits for every pinger: they end when their connection does. */
        private void stopLoad() throws Exception {
            for (Connection c : clients) {
                c.disconnect();
            }
            for (PingPong p : pingers) {
                if (!p.join(DEADLINE)) {
                    throw new AssertionError(p.thread() + " did not end within " + DEADLINE);
                }
                if (p.problem() != null) {
                    throw new AssertionError(p.problem());
                }
            }
        }

        @Override
        public void close() throws Exception {
            try {
                stopLoad();
            } finally {
                rt.close();
            }
        }
    }

    private static List<String> socketloomThreads() throws IOException {
        return Snapshot.take().threads().values().stream().filter(n -> n.startsWith("socketloom-")).sorted().toList();
    }
}
