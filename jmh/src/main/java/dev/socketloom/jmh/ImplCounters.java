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
        for (Impl i : Impl.values()) {
            add(i, new InterleavedLoad.Totals(), true);
        }
    }

    /** Adds one cycle's totals ({@code totals[k]} belongs to {@code impls.get(k)}). */
    void add(List<Impl> impls, InterleavedLoad.Totals[] totals) {
        for (int k = 0; k < impls.size(); k++) {
            add(impls.get(k), totals[k], false);
        }
    }

    private void add(Impl impl, InterleavedLoad.Totals t, boolean reset) {
        switch (impl) {
            case SOCKETLOOM -> {
                socketloomNanos = (reset ? 0 : socketloomNanos) + t.nanos;
                socketloomRoundTrips = (reset ? 0 : socketloomRoundTrips) + t.roundTrips;
                socketloomAnswered = (reset ? 0 : socketloomAnswered) + t.answered;
                socketloomServerCpuNanos = (reset ? 0 : socketloomServerCpuNanos) + t.serverCpuNanos;
                socketloomClientCpuNanos = (reset ? 0 : socketloomClientCpuNanos) + t.clientCpuNanos;
                socketloomWallNanos = (reset ? 0 : socketloomWallNanos) + t.wallNanos;
            }
            case RAW_VT -> {
                rawvtNanos = (reset ? 0 : rawvtNanos) + t.nanos;
                rawvtRoundTrips = (reset ? 0 : rawvtRoundTrips) + t.roundTrips;
                rawvtAnswered = (reset ? 0 : rawvtAnswered) + t.answered;
                rawvtServerCpuNanos = (reset ? 0 : rawvtServerCpuNanos) + t.serverCpuNanos;
                rawvtClientCpuNanos = (reset ? 0 : rawvtClientCpuNanos) + t.clientCpuNanos;
                rawvtWallNanos = (reset ? 0 : rawvtWallNanos) + t.wallNanos;
            }
            case PLATFORM -> {
                platformNanos = (reset ? 0 : platformNanos) + t.nanos;
                platformRoundTrips = (reset ? 0 : platformRoundTrips) + t.roundTrips;
                platformAnswered = (reset ? 0 : platformAnswered) + t.answered;
                platformServerCpuNanos = (reset ? 0 : platformServerCpuNanos) + t.serverCpuNanos;
                platformClientCpuNanos = (reset ? 0 : platformClientCpuNanos) + t.clientCpuNanos;
                platformWallNanos = (reset ? 0 : platformWallNanos) + t.wallNanos;
            }
            case NETTY_NIO -> {
                nettyNioNanos = (reset ? 0 : nettyNioNanos) + t.nanos;
                nettyNioRoundTrips = (reset ? 0 : nettyNioRoundTrips) + t.roundTrips;
                nettyNioAnswered = (reset ? 0 : nettyNioAnswered) + t.answered;
                nettyNioServerCpuNanos = (reset ? 0 : nettyNioServerCpuNanos) + t.serverCpuNanos;
                nettyNioClientCpuNanos = (reset ? 0 : nettyNioClientCpuNanos) + t.clientCpuNanos;
                nettyNioWallNanos = (reset ? 0 : nettyNioWallNanos) + t.wallNanos;
            }
            case NETTY_EPOLL -> {
                nettyEpollNanos = (reset ? 0 : nettyEpollNanos) + t.nanos;
                nettyEpollRoundTrips = (reset ? 0 : nettyEpollRoundTrips) + t.roundTrips;
                nettyEpollAnswered = (reset ? 0 : nettyEpollAnswered) + t.answered;
                nettyEpollServerCpuNanos = (reset ? 0 : nettyEpollServerCpuNanos) + t.serverCpuNanos;
                nettyEpollClientCpuNanos = (reset ? 0 : nettyEpollClientCpuNanos) + t.clientCpuNanos;
                nettyEpollWallNanos = (reset ? 0 : nettyEpollWallNanos) + t.wallNanos;
            }
        }
    }
}
