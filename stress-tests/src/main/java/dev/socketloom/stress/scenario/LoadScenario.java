package dev.socketloom.stress.scenario;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.SocketRuntime;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ping-pong load against any byte echo server: {@code conns} connections each write {@code size} bytes and read them
 * back (checked byte for byte) until {@code seconds} have passed.
 */
public final class LoadScenario {
    /** Load parameters. */
    public record Params(String host, int port, int conns, Duration duration, int size) {
    }

    private LoadScenario() {
    }

    public static Report run(Params p, Progress progress) throws Exception {
        Report r = new Report("load");
        r.parameter("target", p.host() + ":" + p.port()).parameter("conns", p.conns())
                .parameter("seconds", p.duration().toSeconds()).parameter("size", p.size());
        ErrorCounts errors = new ErrorCounts();
        Latency latency = new Latency();
        ConnectOptions options = ConnectOptions.builder().connectTimeout(Duration.ofSeconds(30))
                .readTimeout(Duration.ofSeconds(30)).writeTimeout(Duration.ofSeconds(30)).build();
        Connection[] conns = new Connection[p.conns()];
        try (SocketRuntime rt = SocketRuntime.open()) {
            progress.stage("connect", p.conns());
            Tasks.parallel(p.conns(), 256, errors, i -> {
                conns[i] = rt.connect(p.host(), p.port(), options);
                progress.step();
            });
            r.metric("connected", Arrays.stream(conns).filter(c -> c != null).count());
            progress.stage("load", p.duration().toSeconds());
            long t0 = System.nanoTime();
            long end = t0 + p.duration().toNanos();
            Thread ticker = Thread.ofVirtual().start(() -> tick(progress, t0, end));
            Tasks.parallel(p.conns(), 0, errors, i -> {
                Connection c = conns[i];
                if (c == null) {
                    return;
                }
                byte[] out = new byte[p.size()];
                byte[] in = new byte[p.size()];
                ThreadLocalRandom.current().nextBytes(out);
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    c.write(out);
                    c.readFully(in, 0, in.length);
                    latency.recordSince(start);
                    if (!Arrays.equals(out, in)) {
                        errors.record("WRONG_ECHO", "connection " + i + " got different bytes back");
                        return;
                    }
                    out[0]++;
                }
            });
            long nanos = System.nanoTime() - t0;
            ticker.interrupt();
            ticker.join();
            r.metric("round trips", latency.count());
            r.metric("round trips/s", Tasks.perSecond(latency.count(), nanos));
            r.metric("MB/s (each direction)", Tasks.perSecond(latency.count() * p.size(), nanos) / 1e6);
            latency.addTo(r, "round trip");
            progress.stage("disconnect", p.conns());
            Tasks.parallel(p.conns(), 0, errors, i -> {
                if (conns[i] != null) {
                    conns[i].disconnect();
                }
                progress.step();
            });
        }
        r.check(latency.count() > 0, "at least one round trip completed");
        errors.checkNone(r, "errors");
        return r;
    }

    /** Advances the progress once a second until {@code end} (or an interrupt). */
    private static void tick(Progress progress, long t0, long end) {
        long next = t0 + 1_000_000_000L;
        while (next <= end) {
            try {
                Thread.sleep(Duration.ofNanos(Math.max(0, next - System.nanoTime())));
            } catch (InterruptedException e) {
                return;
            }
            progress.step();
            next += 1_000_000_000L;
        }
    }
}
