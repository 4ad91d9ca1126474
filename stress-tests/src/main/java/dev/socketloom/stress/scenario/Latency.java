package dev.socketloom.stress.scenario;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** A thread-safe latency recorder (HdrHistogram, microseconds, 3 significant digits). */
public final class Latency {
    private final Histogram histogram = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(120), 3);

    /** Records one sample measured from {@code startNanos} to now. */
    public void recordSince(long startNanos) {
        long micros = Math.max(0, (System.nanoTime() - startNanos) / 1000);
        histogram.recordValue(Math.min(micros, histogram.getHighestTrackableValue()));
    }

    public long count() {
        return histogram.getTotalCount();
    }

    /** Adds p50/p90/p99/p99.9/max (microseconds) to {@code report} under {@code prefix}. */
    public void addTo(Report report, String prefix) {
        report.metric(prefix + " p50 (us)", histogram.getValueAtPercentile(50));
        report.metric(prefix + " p90 (us)", histogram.getValueAtPercentile(90));
        report.metric(prefix + " p99 (us)", histogram.getValueAtPercentile(99));
        report.metric(prefix + " p99.9 (us)", histogram.getValueAtPercentile(99.9));
        report.metric(prefix + " max (us)", histogram.getMaxValue());
    }
}
