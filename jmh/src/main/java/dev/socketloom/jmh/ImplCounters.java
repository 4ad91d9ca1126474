package dev.socketloom.jmh;

import dev.socketloom.jmh.server.Impl;
import java.util.List;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The JMH auxiliary counters of the interleaved benchmarks: six totals per implementation for one iteration (see
 * {@link InterleavedEchoBenchmark}); implementations a benchmark does not run stay 0. JMH reads public fields, hence
 * the long list; {@link Report} reads them back by name ({@code <impl>Nanos} etc., the id in camel case).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class ImplCounters {
    public long socketloomNanos;
    public long socketloomRoundTrips;
    public long socketloomAnswered;
    public long socketloomServerCpuNanos;
    public long socketloomClientCpuNanos;
    public long socketloomWallNanos;
    public long rawvtNanos;
    public long rawvtRoundTrips;
    public long rawvtAnswered;
    public long rawvtServerCpuNanos;
    public long rawvtClientCpuNanos;
    public long rawvtWallNanos;
    public long platformNanos;
    public long platformRoundTrips;
    public long platformAnswered;
    public long platformServerCpuNanos;
    public long platformClientCpuNanos;
    public long platformWallNanos;
    public long nettyNioNanos;
    public long nettyNioRoundTrips;
    public long nettyNioAnswered;
    public long nettyNioServerCpuNanos;
    public long nettyNioClientCpuNanos;
    public long nettyNioWallNanos;
    public long nettyEpollNanos;
    public long nettyEpollRoundTrips;
    public long nettyEpollAnswered;
    public long nettyEpollServerCpuNanos;
    public long nettyEpollClientCpuNanos;
    public long nettyEpollWallNanos;

    @Setup(Level.Iteration)
    public void clear() {
        Counters.clear(this);
    }

    /** Adds one cycle's totals ({@code totals[k]} belongs to {@code impls.get(k)}). */
    void add(List<Impl> impls, InterleavedLoad.Totals[] totals) {
        for (int k = 0; k < impls.size(); k++) {
            Counters.add(this, impls.get(k).id(), totals[k]);
        }
    }
}
