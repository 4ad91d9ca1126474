package dev.socketloom.stress.cli;

import dev.socketloom.ServerStats;
import java.time.Duration;
import java.util.Locale;

/**
 * One line per {@link ServerStats} snapshot, for {@code serve --stats}: the counters (named like the record's
 * components), what changed since the previous line, and the byte rates, for example (one line)
 * <pre>
 * stats uptime=10s accepted=120 (+34) active=17 rejected=0 acceptFailures=0 handlerFailures=1
 *       in=1.2MiB (48.0KiB/s) out=1.2MiB (48.0KiB/s)
 * </pre>
 * Keeps the previous snapshot, so one instance serves one printing thread.
 */
public final class StatsLine {
    private final long startNanos;
    private ServerStats previous;
    private long previousNanos;

    /** Starts counting from {@code first}, taken at {@code nanos} ({@link System#nanoTime()}). */
    public StatsLine(ServerStats first, long nanos) {
        this.startNanos = nanos;
        this.previous = first;
        this.previousNanos = nanos;
    }

    /** The line for {@code now}, taken at {@code nanos}; it becomes the previous snapshot. */
    public String next(ServerStats now, long nanos) {
        double seconds = Math.max(1e-9, (nanos - previousNanos) / 1e9);
        String line = "stats uptime=" + uptime(Duration.ofNanos(nanos - startNanos))
                + " accepted=" + now.accepted() + " (+" + (now.accepted() - previous.accepted()) + ")"
                + " active=" + now.active()
                + " rejected=" + now.rejected()
                + " acceptFailures=" + now.acceptFailures()
                + " handlerFailures=" + now.handlerFailures()
                + " in=" + bytes(now.bytesIn()) + " (" + bytes((now.bytesIn() - previous.bytesIn()) / seconds) + "/s)"
                + " out=" + bytes(now.bytesOut()) + " (" + bytes((now.bytesOut() - previous.bytesOut()) / seconds)
                + "/s)";
        previous = now;
        previousNanos = nanos;
        return line;
    }

    static String uptime(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }

    static String bytes(double n) {
        if (n < 1024) {
            return String.format(Locale.ROOT, "%.0fB", n);
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n / 1024;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f%s", v, units[u]);
    }
}
