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
        socketloomNanos = socketloomRoundTrips = socketloomAnswered = 0;
        socketloomServerCpuNanos = socketloomClientCpuNanos = socketloomWallNanos = 0;
        rawvtNanos = rawvtRoundTrips = rawvtAnswered = 0;
        rawvtServerCpuNanos = rawvtClientCpuNanos = rawvtWallNanos = 0;
        nettyJdkNanos = nettyJdkRoundTrips = nettyJdkAnswered = 0;
        nettyJdkServerCpuNanos = nettyJdkClientCpuNanos = nettyJdkWallNanos = 0;
        nettyOpensslNanos = nettyOpensslRoundTrips = nettyOpensslAnswered = 0;
        nettyOpensslServerCpuNanos = nettyOpensslClientCpuNanos = nettyOpensslWallNanos = 0;
    }

    /** Adds one slice's totals of {@code impl}. */
    void add(TlsImpl impl, InterleavedLoad.Totals t) {
        switch (impl) {
            case SOCKETLOOM -> {
                socketloomNanos += t.nanos;
                socketloomRoundTrips += t.roundTrips;
                socketloomAnswered += t.answered;
                socketloomServerCpuNanos += t.serverCpuNanos;
                socketloomClientCpuNanos += t.clientCpuNanos;
                socketloomWallNanos += t.wallNanos;
            }
            case RAW_VT -> {
                rawvtNanos += t.nanos;
                rawvtRoundTrips += t.roundTrips;
                rawvtAnswered += t.answered;
                rawvtServerCpuNanos += t.serverCpuNanos;
                rawvtClientCpuNanos += t.clientCpuNanos;
                rawvtWallNanos += t.wallNanos;
            }
            case NETTY_JDK -> {
                nettyJdkNanos += t.nanos;
                nettyJdkRoundTrips += t.roundTrips;
                nettyJdkAnswered += t.answered;
                nettyJdkServerCpuNanos += t.serverCpuNanos;
                nettyJdkClientCpuNanos += t.clientCpuNanos;
                nettyJdkWallNanos += t.wallNanos;
            }
            case NETTY_OPENSSL -> {
                nettyOpensslNanos += t.nanos;
                nettyOpensslRoundTrips += t.roundTrips;
                nettyOpensslAnswered += t.answered;
                nettyOpensslServerCpuNanos += t.serverCpuNanos;
                nettyOpensslClientCpuNanos += t.clientCpuNanos;
                nettyOpensslWallNanos += t.wallNanos;
            }
        }
    }
}
