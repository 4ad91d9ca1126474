package dev.socketloom.jmh.load;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The load used against every server: {@code n} non-blocking connections split over a few platform threads, each
 * thread owning its slice of the connections and its own {@link Selector}. During a {@link #run(long) slice} every
 * connection is kept busy at once in a closed loop: as soon as the whole response to a request has arrived, the
 * next request goes out on that connection. A slice starts with an untimed ramp (the first requests go out on every
 * connection at once, a burst no steady state has: at 10 000 connections the first round alone takes a good part of
 * a second), then counts the round trips completed in its measured part, then stops sending and drains. So the
 * number of requests in flight is always {@code n}, and the client
 * spends one read and one write system call per round trip plus its share of one {@code epoll_wait}: cheap enough
 * that the server, not the client, limits the rate (the benchmark shows this with CPU time per round trip on both
 * sides).
 *
 * <p>A request is any fixed byte block and the response any fixed number of bytes, so the same generator drives
 * the echo servers ({@code response = request.length}) and request/response protocols with pipelined requests.
 * Being one code for every server, its cost is the same for each. It allocates nothing while running.
 *
 * <p>With an {@link SSLContext} the connections are TLS ({@link TlsChannel}: an {@code SSLEngine} per connection,
 * handshake done before the first slice), and the loop is the same plus one {@code wrap} per request and one
 * {@code unwrap} per record received.
 */
public final class LoadGenerator implements AutoCloseable {

    /**
     * What one slice measured.
     *
     * @param roundTrips     round trips completed in the measured part: the throughput is {@code roundTrips / nanos}
     * @param nanos          the length of the measured part
     * @param answered       every request answered in the slice, ramp and drain included: the count to divide CPU
     *                       time by, since CPU is measured over the whole slice
     * @param clientCpuNanos CPU time the load threads spent in the whole slice
     * @param wallNanos      the whole slice, ramp and drain included
     */
    public record Slice(long roundTrips, long nanos, long answered, long clientCpuNanos, long wallNanos) {
    }

    private static final long DRAIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final ThreadMXBean THREAD_CPU = ManagementFactory.getThreadMXBean();

    private final SocketChannel[] channels;
    private final Worker[] workers;

    /**
     * Opens {@code connections} connections to {@code target} (TCP_NODELAY), checks once on each, blocking, that
     * the server answers {@code request} with exactly {@code expected}, and starts {@code threads} selector
     * threads, each owning every {@code threads}-th connection.
     */
    public LoadGenerator(InetSocketAddress target, int connections, int threads, byte[] request, byte[] expected)
            throws IOException {
        this(target, connections, threads, request, expected, null);
    }

    /** As above, over TLS when {@code tls} is not null: each connection's handshake completes here. */
    public LoadGenerator(InetSocketAddress target, int connections, int threads, byte[] request, byte[] expected,
                         SSLContext tls) throws IOException {
        if (connections < 1 || threads < 1) {
            throw new IllegalArgumentException("connections and threads must be positive");
        }
        channels = new SocketChannel[connections];
        TlsChannel[] secure = tls == null ? null : new TlsChannel[connections];
        workers = new Worker[Math.min(threads, connections)];
        ByteBuffer out = ByteBuffer.wrap(request);
        ByteBuffer in = ByteBuffer.allocate(expected.length);
        try {
            for (int i = 0; i < connections; i++) {
                SocketChannel ch = SocketChannel.open();
                channels[i] = ch;
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.connect(target);
                if (secure != null) {
                    secure[i] = new TlsChannel(tls, target.getPort());
                    secure[i].handshake(ch);
                    verify(ch, secure[i], out.clear(), expected);
                } else {
                    verify(ch, out.clear(), in.clear(), expected);
                }
                ch.configureBlocking(false);
            }
            for (int w = 0; w < workers.length; w++) {
                List<SocketChannel> mine = new ArrayList<>();
                List<TlsChannel> mineTls = secure == null ? null : new ArrayList<>();
                for (int i = w; i < connections; i += workers.length) {
                    mine.add(channels[i]);
                    if (mineTls != null) {
                        mineTls.add(secure[i]);
                    }
                }
                workers[w] = new Worker(mine, mineTls, request, expected.length, "load-" + w);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        for (Worker w : workers) {
            w.thread.start();
        }
    }

    private static void verify(SocketChannel ch, ByteBuffer out, ByteBuffer in, byte[] expected) throws IOException {
        while (out.hasRemaining()) {
            ch.write(out);
        }
        while (in.hasRemaining()) {
            if (ch.read(in) < 0) {
                throw new EOFException("server closed a connection before answering");
            }
        }
        if (!Arrays.equals(in.array(), expected)) {
            throw new IOException("the server's answer differs from what was expected");
        }
    }

    private static void verify(SocketChannel ch, TlsChannel tls, ByteBuffer request, byte[] expected)
            throws IOException {
        TlsChannel.writeFully(ch, tls.wrap(request, ByteBuffer.allocate(request.remaining() + 2
                * tls.packetBufferSize())));
        if (!Arrays.equals(tls.readFully(ch, expected.length), expected)) {
            throw new IOException("the server's answer differs from what was expected");
        }
    }

    /** Number of connections. */
    public int connections() {
        return channels.length;
    }

    /**
     * Keeps every connection busy for {@code rampNanos + nanos}, then stops sending and waits until every request in
     * flight has been answered. Counts the round trips completed in the last {@code nanos} before the deadline.
     */
    public Slice run(long rampNanos, long nanos) throws IOException {
        CountDownLatch done = new CountDownLatch(workers.length);
        long start = System.nanoTime();
        long measureFrom = start + rampNanos;
        long deadline = measureFrom + nanos;
        for (Worker w : workers) {
            w.begin(measureFrom, deadline, done);
        }
        try {
            if (!done.await(rampNanos + nanos + DRAIN_TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
                throw new IOException("load slice did not drain within " + DRAIN_TIMEOUT_NANOS / 1_000_000_000
                        + " s after its deadline: a server stopped answering");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running a load slice", e);
        }
        long wall = System.nanoTime() - start;
        long trips = 0;
        long answered = 0;
        long cpu = 0;
        for (Worker w : workers) {
            if (w.failure != null) {
                throw new IOException("load thread failed", w.failure);
            }
            trips += w.roundTrips;
            answered += w.answered;
            cpu += w.cpuNanos;
        }
        return new Slice(trips, nanos, answered, cpu, wall);
    }

    @Override
    public void close() throws IOException {
        for (Worker w : workers) {
            if (w != null) {
                w.stop();
            }
        }
        IOException first = null;
        for (SocketChannel ch : channels) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
        }
        for (Worker w : workers) {
            if (w != null) {
                try {
                    w.thread.join(TimeUnit.SECONDS.toMillis(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** One selector thread and the connections it owns; between slices it waits in {@code select()}. */
    private static final class Worker implements Runnable {
        private final Selector selector;
        private final SelectionKey[] keys;
        private final int[] unread; // response bytes still expected per connection; 0 = idle
        private final ByteBuffer request;
        private final ByteBuffer sink;
        private final TlsChannel[] tls; // null: plain TCP
        private final ByteBuffer netOut; // TLS: the encrypted request
        private final int responseLength;
        private final Thread thread;

        private volatile long measureFrom;
        private volatile long deadline;
        private volatile CountDownLatch done;
        private volatile boolean stopped;
        // written by the worker before done.countDown(), read by run() after await(): happens-before via the latch
        private long roundTrips;
        private long answered;
        private long cpuNanos;
        private Throwable failure;
        // the state of one select() round, for ready()
        private boolean sending;
        private int completed; // answered and sent again
        private int finished; // answered, not sent again (drain)

        Worker(List<SocketChannel> channels, List<TlsChannel> tls, byte[] request, int responseLength, String name)
                throws IOException {
            this.tls = tls == null ? null : tls.toArray(new TlsChannel[0]);
            this.sink = tls == null ? ByteBuffer.allocateDirect(64 * 1024)
                    : ByteBuffer.allocate(tls.get(0).applicationBufferSize());
            this.netOut = tls == null ? null : ByteBuffer.allocate(request.length + 2 * tls.get(0).packetBufferSize());
            this.selector = Selector.open();
            this.keys = new SelectionKey[channels.size()];
            this.unread = new int[channels.size()];
            this.request = ByteBuffer.allocateDirect(request.length).put(request).flip();
            this.responseLength = responseLength;
            for (int i = 0; i < keys.length; i++) {
                keys[i] = channels.get(i).register(selector, 0, i);
            }
            this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this);
        }

        void begin(long measureFrom, long deadline, CountDownLatch done) {
            this.measureFrom = measureFrom;
            this.deadline = deadline;
            this.done = done; // volatile write after deadline: the worker reads done first
            selector.wakeup();
        }

        void stop() {
            stopped = true;
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (!stopped) {
                    selector.select();
                    selector.selectedKeys().clear();
                    CountDownLatch d = done;
                    if (d != null) {
                        done = null;
                        slice(measureFrom, deadline);
                        d.countDown();
                    }
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
                CountDownLatch d = done;
                if (d != null) {
                    d.countDown();
                }
            } finally {
                try {
                    selector.close();
                } catch (IOException ignored) {
                    // the channels are closed by the generator
                }
            }
        }

        private void slice(long from, long end) throws IOException {
            long cpu0 = THREAD_CPU.getCurrentThreadCpuTime();
            long trips = 0;
            long all = 0;
            int inFlight = 0;
            for (int i = 0; i < keys.length; i++) {
                send(i);
                inFlight++;
            }
            long now = System.nanoTime();
            while (inFlight > 0) {
                if (now - end > DRAIN_TIMEOUT_NANOS) {
                    throw new IOException(inFlight + " requests unanswered " + DRAIN_TIMEOUT_NANOS / 1_000_000_000
                            + " s after the slice ended");
                }
                sending = now - end < 0;
                boolean measuring = sending && now - from >= 0; // as of the select() that returns these keys
                completed = 0;
                finished = 0;
                selector.select(this::ready, 1000); // no selected-key set, no iterator: nothing allocated
                if (measuring) {
                    trips += completed;
                }
                all += completed + finished;
                inFlight -= finished;
                now = System.nanoTime();
            }
            roundTrips = trips;
            answered = all;
            cpuNanos = THREAD_CPU.getCurrentThreadCpuTime() - cpu0;
        }

        /** One ready key of a select() round: finish a pending write, read, and send the next request. */
        private void ready(SelectionKey k) {
            try {
                Object a = k.attachment();
                int i = a instanceof Pending p ? p.index() : (Integer) a;
                if (k.isWritable()) {
                    flush(k);
                }
                if (k.isReadable() && receive(k, i)) {
                    if (sending) {
                        completed++;
                        send(i);
                    } else {
                        finished++;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Writes the request on connection {@code i}; what the socket does not take now goes out on OP_WRITE. */
        private void send(int i) throws IOException {
            SelectionKey k = keys[i];
            unread[i] = responseLength;
            ByteBuffer r = tls == null ? request.clear() : tls[i].wrap(request.clear(), netOut);
            ((SocketChannel) k.channel()).write(r);
            if (r.hasRemaining()) {
                // rare (large requests, full send buffer): remember the offset in a private copy
                ByteBuffer rest = ByteBuffer.allocate(r.remaining()).put(r).flip();
                k.attach(new Pending(i, rest));
                k.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            } else if (k.interestOps() != SelectionKey.OP_READ) {
                k.interestOps(SelectionKey.OP_READ); // only on a change: each call queues a selector update
            }
        }

        private void flush(SelectionKey k) throws IOException {
            if (k.attachment() instanceof Pending p) {
                ((SocketChannel) k.channel()).write(p.rest);
                if (!p.rest.hasRemaining()) {
                    k.attach(p.index);
                    k.interestOps(SelectionKey.OP_READ);
                }
            }
        }

        /** Reads what arrived; true when the whole response is in. */
        private boolean receive(SelectionKey k, int i) throws IOException {
            SocketChannel ch = (SocketChannel) k.channel();
            int n = tls == null ? ch.read(sink.clear()) : tls[i].receive(ch, sink, false);
            if (n < 0) {
                throw new EOFException("the server closed a connection mid-request");
            }
            unread[i] -= n;
            if (unread[i] < 0) {
                throw new IOException("the server sent " + -unread[i] + " bytes more than expected");
            }
            return unread[i] == 0;
        }
    }

    /** A request whose tail still waits for OP_WRITE. */
    private record Pending(int index, ByteBuffer rest) {
    }
}
