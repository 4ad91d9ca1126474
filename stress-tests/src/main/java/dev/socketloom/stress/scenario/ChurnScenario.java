package dev.socketloom.stress.scenario;

import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * L11: rapid connect / one round trip / disconnect cycles, first closing gracefully from the client (the client's
 * port goes to TIME_WAIT), then with {@code abort()} (RST, no TIME_WAIT). Shows that no ephemeral-port exhaustion
 * happens, counts TIME_WAIT sockets of the server port ({@code ss -tan state time-wait}) and the cycle rate.
 */
public final class ChurnScenario {
    /** Churn parameters: total cycles (half graceful, half abort) and how many run at once. */
    public record Params(int cycles, int concurrency) {
        public static Params scaled(double scale) {
            return new Params(Tasks.scaled(100_000, scale, 200), 4);
        }
    }

    private ChurnScenario() {
    }

    public static Report run(Params p, Progress progress) throws Exception {
        Report r = new Report("churn");
        r.parameter("cycles", p.cycles()).parameter("concurrency", p.concurrency());
        Resources.Snapshot baseline = Resources.warmBaseline();
        ErrorCounts errors = new ErrorCounts();
        int graceful = p.cycles() / 2;
        int aborted = p.cycles() - graceful;
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(Tasks.loopbackServer(p.concurrency()).build(), c -> {
                try {
                    String line;
                    while ((line = c.readLine()) != null) {
                        c.writeLine(line);
                    }
                } catch (InetException e) {
                    if (e.error() != InetError.CONNECTION_RESET) {
                        throw e; // an abort() resets the connection; anything else is a failure
                    }
                }
            });
            int port = server.port();
            long tw0 = timeWait(port);
            r.metric("TIME_WAIT on the port before", tw0);

            progress.stage("connect/close", graceful);
            long t0 = System.nanoTime();
            Tasks.parallel(graceful, p.concurrency(), errors, i -> {
                cycle(rt, port, false);
                progress.step();
            });
            long nanos = System.nanoTime() - t0;
            r.metric("graceful cycles/s", Tasks.perSecond(graceful, nanos));
            long tw1 = timeWait(port);
            r.metric("TIME_WAIT on the port after graceful cycles", tw1);

            progress.stage("connect/abort", aborted);
            t0 = System.nanoTime();
            Tasks.parallel(aborted, p.concurrency(), errors, i -> {
                cycle(rt, port, true);
                progress.step();
            });
            nanos = System.nanoTime() - t0;
            r.metric("abort cycles/s", Tasks.perSecond(aborted, nanos));
            long tw2 = timeWait(port);
            r.metric("TIME_WAIT on the port after abort cycles", tw2);
            if (tw1 >= 0 && tw2 >= 0) {
                r.check(tw2 <= tw1, "abort() cycles added no TIME_WAIT socket (L11): " + tw1 + " -> " + tw2);
            }
            r.checkEquals(p.cycles(), server.stats().accepted(), "connections accepted");
            r.checkEquals(0, server.stats().handlerFailures(), "handler failures");
            r.checkEquals(0, server.stats().acceptFailures(), "accept failures");
            server.disconnect();
            r.checkEquals(0, rt.connections().size(), "connections left in the runtime");
        }
        Resources.checkBackToBaseline(r, baseline);
        errors.checkNone(r, "errors (e.g. ephemeral port exhaustion: ADDRESS_NOT_AVAILABLE)");
        return r;
    }

    private static void cycle(SocketRuntime rt, int port, boolean abort) throws InetException {
        Connection c = rt.connect("127.0.0.1", port);
        try {
            c.writeLine("ping");
            String echo = c.readLine();
            if (!"ping".equals(echo)) {
                throw new InetException(InetError.IO_ERROR, "expected the echo \"ping\", got " + echo);
            }
        } finally {
            if (abort) {
                c.abort();
            } else {
                c.disconnect();
            }
        }
    }

    /** Sockets in TIME_WAIT with {@code port} as source or destination, from {@code ss}; -1 if ss is unavailable. */
    public static long timeWait(int port) {
        try {
            Process ss = new ProcessBuilder("ss", "-Htan", "state", "time-wait").redirectErrorStream(true).start();
            List<String> lines;
            try (InputStream in = ss.getInputStream()) {
                lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            }
            if (!ss.waitFor(30, TimeUnit.SECONDS) || ss.exitValue() != 0) {
                ss.destroyForcibly();
                return -1;
            }
            String suffix = ":" + port;
            return lines.stream().filter(l -> {
                String[] cols = l.trim().split("\\s+");
                return cols.length >= 4 && (cols[cols.length - 2].endsWith(suffix) || cols[cols.length - 1].endsWith(suffix));
            }).count();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
