package dev.socketloom.jmh;

import dev.socketloom.jmh.child.ChildJvm;
import dev.socketloom.jmh.load.LoadGenerator;
import dev.socketloom.jmh.server.Impl;
import dev.socketloom.jmh.server.TlsImpl;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Several servers measured <em>interleaved</em> under the same load: each implementation runs in its own server JVM
 * with its own load JVM ({@link LoadProcess}) holding all its connections open, and one {@link #cycle} runs one load
 * slice on every implementation in turn, starting with a different one each time. Only one implementation is under
 * load at any moment, and background load on a shared machine hits every implementation alike, so the ratios hold
 * even when the absolute numbers drift. Around each slice the server JVM's CPU time is read, so the results also
 * say how much CPU the server and the client spent per round trip.
 */
final class InterleavedLoad implements AutoCloseable {

    /** Per implementation: totals of the slices run so far. */
    static final class Totals {
        long nanos;
        long roundTrips;
        long answered;
        long serverCpuNanos;
        long clientCpuNanos;
        long wallNanos;
    }

    private final List<Impl> impls;
    private final List<ServerProcess> servers = new ArrayList<>();
    private final List<LoadProcess> loads = new ArrayList<>();
    private int next;

    /**
     * Starts a server JVM and a load JVM per implementation; {@code protocol} and {@code bufferSize} go to the
     * server ({@code ServerMain start}), {@code workload} to the load.
     */
    InterleavedLoad(List<Impl> impls, String protocol, int bufferSize, int connections, int threads,
                    String workload) throws IOException {
        this.impls = List.copyOf(impls);
        start(impls.size(), (i, server, load) -> load.open(server.start(impls.get(i), bufferSize, protocol),
                connections, threads, workload));
    }

    /**
     * The same over TLS: per {@link TlsImpl}, a TLS echo server presenting the certificate in {@code keyStore}, and
     * a load JVM whose connections are TLS (an {@code SSLEngine} each, trusting exactly that certificate).
     */
    InterleavedLoad(List<TlsImpl> impls, Path keyStore, int bufferSize, int connections, int threads,
                    String workload) throws IOException {
        this.impls = List.of();
        start(impls.size(), (i, server, load) -> load.openTls(server.startTls(impls.get(i), bufferSize, keyStore),
                connections, threads, workload, keyStore));
    }

    private interface Starter {
        void start(int index, ServerProcess server, LoadProcess load) throws IOException;
    }

    private void start(int count, Starter starter) throws IOException {
        try {
            for (int i = 0; i < count; i++) {
                ServerProcess server = new ServerProcess();
                servers.add(server);
                LoadProcess load = new LoadProcess();
                loads.add(load);
                starter.start(i, server, load);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The plain implementations, in the order of the totals (empty for TLS). */
    List<Impl> impls() {
        return impls;
    }

    /**
     * The untimed ramp at the start of every slice: long enough for the first request on every connection to be
     * answered (the burst every slice starts with), so that the measured part sees the steady closed loop.
     */
    static long rampNanos(int connections) {
        return TimeUnit.MILLISECONDS.toNanos(50 + connections / 40);
    }

    /**
     * One slice on each implementation, in rotating order: a ramp of {@code rampNanos}, then {@code sliceNanos}
     * measured; returns each implementation's totals, in the order of the constructor's list.
     */
    Totals[] cycle(long rampNanos, long sliceNanos) throws IOException {
        Totals[] totals = new Totals[servers.size()];
        int start = next;
        next = (next + 1) % servers.size();
        for (int k = 0; k < servers.size(); k++) {
            int i = (start + k) % servers.size();
            ServerProcess server = servers.get(i);
            long cpu0 = server.cpuNanos();
            LoadGenerator.Slice s = loads.get(i).run(rampNanos, sliceNanos);
            long cpu1 = server.cpuNanos();
            Totals t = totals[i] = new Totals();
            t.nanos += s.nanos();
            t.roundTrips += s.roundTrips();
            t.answered += s.answered(); // CPU is read around the whole slice, drain included: divide by this
            t.clientCpuNanos += s.clientCpuNanos();
            t.serverCpuNanos += cpu1 - cpu0;
            t.wallNanos += s.wallNanos();
        }
        return totals;
    }

    @Override
    public void close() throws IOException {
        try {
            ChildJvm.closeAll(loads);
        } finally {
            ChildJvm.closeAll(servers);
        }
    }
}
