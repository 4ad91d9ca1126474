package dev.socketloom.stress.scenario;

import dev.socketloom.InetException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Unexpected errors by kind ({@link dev.socketloom.InetError} name, or exception class). Thread-safe. */
public final class ErrorCounts {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private volatile String first;

    /** Counts {@code t} under its kind and remembers the first one for the report. */
    public void record(Throwable t) {
        String kind = t instanceof InetException ie ? ie.error().name() : t.getClass().getSimpleName();
        record(kind, String.valueOf(t));
    }

    /** Counts an error of {@code kind}. */
    public void record(String kind, String detail) {
        counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
        if (first == null) {
            first = kind + ": " + detail;
        }
    }

    /** The first error recorded ({@code kind: detail}), or null. */
    public String first() {
        return first;
    }

    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Adds the total (and per kind, and the first one) to {@code report} and checks it is zero. */
    public void checkNone(Report report, String what) {
        long total = total();
        report.metric(what, total);
        if (total > 0) {
            Map<String, Long> byKind = new TreeMap<>();
            counts.forEach((k, v) -> byKind.put(k, v.sum()));
            report.metric(what + " by kind", byKind);
            report.metric("first of " + what, first);
        }
        report.check(total == 0, what + " == 0");
    }
}
