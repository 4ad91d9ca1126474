package dev.socketloom.jmh;

import dev.socketloom.jmh.server.TlsImpl;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link ImplCounters} for the TLS servers of {@link TlsInterleavedBenchmark}: six totals per {@link TlsImpl} for one
 * iteration ({@code <impl>Nanos}, {@code RoundTrips}, {@code Answered}, {@code ServerCpuNanos},
 * {@code ClientCpuNanos}, {@code WallNanos}), the id in camel case; {@link TlsReport} reads them back by name.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class TlsCounters {
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
    public long nettyJdkNanos;
    public long nettyJdkRoundTrips;
    public long nettyJdkAnswered;
    public long nettyJdkServerCpuNanos;
    public long nettyJdkClientCpuNanos;
    public long nettyJdkWallNanos;
    public long nettyOpensslNanos;
    public long nettyOpensslRoundTrips;
    public long nettyOpensslAnswered;
    public long nettyOpensslServerCpuNanos;
    public long nettyOpensslClientCpuNanos;
    public long nettyOpensslWallNanos;

    @Setup(Level.Iteration)
    public void clear() {
        Counters.clear(this);
    }

    /** Adds one slice's totals of {@code impl}. */
    void add(TlsImpl impl, InterleavedLoad.Totals t) {
        Counters.add(this, impl.id(), t);
    }
}
