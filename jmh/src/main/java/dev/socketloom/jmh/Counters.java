package dev.socketloom.jmh;

import java.lang.reflect.Field;

/**
 * The JMH auxiliary counters of the interleaved benchmarks ({@link ImplCounters}, {@link TlsCounters}), by name. JMH
 * reads counters from public {@code long} fields, so those classes declare six per implementation:
 * {@code <prefix>Nanos}, {@code RoundTrips}, {@code Answered}, {@code ServerCpuNanos}, {@code ClientCpuNanos} and
 * {@code WallNanos}, where the prefix is the implementation's id in camel case ({@link #prefix}); {@link Report} and
 * {@link TlsReport} read them back by the same names. Adding and clearing them here, by name, keeps one copy of that
 * bookkeeping instead of a switch per class (it runs between slices, not while they are measured).
 */
final class Counters {
    private static final String[] SUFFIXES = {"Nanos", "RoundTrips", "Answered", "ServerCpuNanos", "ClientCpuNanos",
            "WallNanos"};

    private Counters() {
    }

    /** The counter prefix of an implementation id: {@code netty-epoll} -> {@code nettyEpoll}. */
    static String prefix(String id) {
        int dash = id.indexOf('-');
        return dash < 0 ? id
                : id.substring(0, dash) + Character.toUpperCase(id.charAt(dash + 1)) + id.substring(dash + 2);
    }

    /** Sets every counter of {@code counters} to 0. */
    static void clear(Object counters) {
        try {
            for (Field f : counters.getClass().getFields()) {
                if (f.getType() == long.class) {
                    f.setLong(counters, 0);
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds one slice's totals to the counters of the implementation {@code id}. */
    static void add(Object counters, String id, InterleavedLoad.Totals t) {
        long[] values = {t.nanos, t.roundTrips, t.answered, t.serverCpuNanos, t.clientCpuNanos, t.wallNanos};
        String prefix = prefix(id);
        try {
            for (int i = 0; i < SUFFIXES.length; i++) {
                Field f = counters.getClass().getField(prefix + SUFFIXES[i]);
                f.setLong(counters, f.getLong(counters) + values[i]);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no counters for " + id + " in " + counters.getClass().getSimpleName(), e);
        }
    }
}
