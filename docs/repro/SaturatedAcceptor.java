import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plain JDK, no SocketLoom: how long does a thread blocked in {@link ServerSocket#accept()} take to end after the main
 * thread closed its server socket, while busy virtual threads keep every carrier occupied?
 *
 * <p>Each round, fresh: a thread-per-connection echo server on loopback, whose acceptor thread (virtual by default)
 * accepts {@code pairs} connections, starts one virtual echo thread per connection, and blocks in {@code accept()}
 * again; {@code pairs} virtual client threads ping-pong a short line with it as fast as they can. After a warm-up the
 * main thread (a platform thread) closes the listening socket and waits up to {@code limit} seconds for the acceptor
 * to end. Then the load stops (if the acceptor was still alive, how long it took to end once the carriers were free is
 * printed too) and every thread and socket of the round is released.
 *
 * <p>With {@code measure=connect} the main thread does not close the listener but connects one more client and
 * measures how long its first line takes to come back: the acceptor must accept it and start an echo thread for it,
 * all while the load runs. With {@code serve=false} the blocked acceptor serves nobody: the load runs on a second
 * listener whose echo threads the main thread started (a comparison; see docs/saturation.md).
 *
 * <pre>
 * java docs/repro/SaturatedAcceptor.java [acceptor=virtual|platform] [measure=close|connect] [serve=true|false]
 *                                        [rounds=10] [pairs=20] [limit=30] [warmup=500]
 * java -Djdk.pollerMode=1 docs/repro/SaturatedAcceptor.java        # JDK 25: platform-thread I/O pollers
 * </pre>
 *
 * Needs JDK 21+ (virtual threads). Bounded: at most about {@code rounds * (warmup + limit + 10 s)}; exits 0 whatever it
 * measured.
 */
public final class SaturatedAcceptor {
    private static final byte[] PING = "ping\r\n".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        String acceptorKind = option(args, "acceptor", "virtual");
        boolean connect = option(args, "measure", "close").equals("connect");
        boolean serve = Boolean.parseBoolean(option(args, "serve", "true"));
        int rounds = Integer.parseInt(option(args, "rounds", "10"));
        int pairs = Integer.parseInt(option(args, "pairs", "20"));
        long limitMillis = TimeUnit.SECONDS.toMillis(Long.parseLong(option(args, "limit", "30")));
        long warmupMillis = Long.parseLong(option(args, "warmup", "500"));
        if (!acceptorKind.equals("virtual") && !acceptorKind.equals("platform")) {
            throw new IllegalArgumentException("acceptor=virtual|platform, was " + acceptorKind);
        }
        System.out.printf(Locale.ROOT, "java %s, %d CPUs, jdk.pollerMode=%s, acceptor=%s, measure=%s, serve=%s, "
                        + "rounds=%d, pairs=%d, limit=%d s, warmup=%d ms%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("jdk.pollerMode", "(default)"),
                acceptorKind, connect ? "connect" : "close", serve, rounds, pairs, limitMillis / 1000, warmupMillis);

        List<String> results = new ArrayList<>();
        int stalled = 0;
        for (int round = 1; round <= rounds; round++) {
            Round r = new Round(acceptorKind.equals("virtual"), serve, pairs, connect);
            r.run(limitMillis, warmupMillis);
            String ended;
            if (connect) {
                ended = r.endedMillis >= 0 ? "echoed a new connection's line " + r.endedMillis + " ms after connect"
                        : "had not echoed a new connection's line " + limitMillis / 1000 + " s after connect";
            } else {
                ended = r.endedMillis >= 0 ? "ended " + r.endedMillis + " ms after the close"
                        : "still alive " + limitMillis / 1000 + " s after the close (" + (r.afterLoadMillis >= 0
                        ? "ended " + r.afterLoadMillis + " ms after the load stopped)"
                        : "and 10 s after the load stopped)");
            }
            if (r.endedMillis < 0) {
                stalled++;
            }
            results.add(r.endedMillis >= 0 ? String.valueOf(r.endedMillis) : ">" + limitMillis / 1000 + "s");
            System.out.printf(Locale.ROOT, "round %2d: %s %s; load %,d round trips/s before, %,d round trips while "
                    + "waiting%n", round, connect ? "server" : "acceptor", ended, r.rate, r.tripsWhileWaiting);
        }
        System.out.printf(Locale.ROOT, "%s (ms): %s%n%s after %d s in %d of %d rounds%n",
                connect ? "new connection echoed after" : "acceptor end after close", String.join(", ", results),
                connect ? "no echo" : "still alive", limitMillis / 1000, stalled, rounds);
    }

    /** One fresh server, its load, the close and the measurement. */
    private static final class Round {
        final boolean virtualAcceptor;
        final boolean serve;
        final int pairs;
        final boolean connect;
        final InetAddress loopback = InetAddress.getLoopbackAddress();
        final AtomicLong roundTrips = new AtomicLong();
        final List<Socket> sockets = new CopyOnWriteArrayList<>();
        final List<Thread> threads = new CopyOnWriteArrayList<>();
        volatile boolean running = true;
        long endedMillis = -1;
        long afterLoadMillis = -1;
        long rate;
        long tripsWhileWaiting;

        Round(boolean virtualAcceptor, boolean serve, int pairs, boolean connect) {
            this.virtualAcceptor = virtualAcceptor;
            this.serve = serve;
            this.pairs = pairs;
            this.connect = connect;
        }

        void run(long limitMillis, long warmupMillis) throws Exception {
            ServerSocket listener = new ServerSocket(0, Math.max(50, pairs), loopback);
            CountDownLatch accepted = new CountDownLatch(serve ? pairs : 0);
            Socket probe = new Socket();
            Runnable acceptLoop = () -> {
                try {
                    while (true) {
                        Socket s = listener.accept();
                        startEcho(s);
                        accepted.countDown();
                    }
                } catch (IOException closed) {
                    // the close from main: the acceptor ends here
                }
            };
            Thread acceptor = virtualAcceptor
                    ? Thread.ofVirtual().name("acceptor").start(acceptLoop)
                    : Thread.ofPlatform().name("acceptor").daemon(true).start(acceptLoop);
            ServerSocket other = serve ? listener : new ServerSocket(0, Math.max(50, pairs), loopback);
            try {
                for (int i = 0; i < pairs; i++) {
                    Socket c = new Socket();
                    c.setTcpNoDelay(true);
                    c.connect(new InetSocketAddress(loopback, other.getLocalPort()), 5000);
                    sockets.add(c);
                    if (!serve) {
                        startEcho(other.accept()); // from main, a platform thread
                    }
                    threads.add(Thread.ofVirtual().name("ping-" + i).start(() -> ping(c)));
                }
                if (!accepted.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the acceptor did not accept " + pairs + " connections in 30 s");
                }
                long w0 = System.nanoTime();
                long t = roundTrips.get();
                Thread.sleep(warmupMillis);
                long before = roundTrips.get();
                rate = (before - t) * 1_000_000_000L / Math.max(1, System.nanoTime() - w0);

                long t0 = System.nanoTime();
                if (connect) {
                    if (echoes(probe, listener.getLocalPort(), limitMillis)) {
                        endedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                    }
                } else {
                    listener.close(); // the acceptor is blocked in accept(): this must wake it
                    if (acceptor.join(Duration.ofMillis(limitMillis))) {
                        endedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                    }
                }
                tripsWhileWaiting = roundTrips.get() - before;
            } finally {
                probe.close();
                listener.close();
                long t1 = System.nanoTime();
                stopLoad();
                if (acceptor.join(Duration.ofSeconds(10)) && endedMillis < 0) {
                    afterLoadMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
                }
                other.close();
            }
        }

        /** Connects {@code probe}, sends one line and waits for its echo; false if none came within the limit. */
        private boolean echoes(Socket probe, int port, long limitMillis) throws IOException {
            probe.setSoTimeout((int) limitMillis);
            probe.connect(new InetSocketAddress(loopback, port), 5000);
            probe.getOutputStream().write(PING);
            byte[] buf = new byte[PING.length];
            int got = 0;
            try {
                while (got < buf.length) {
                    int n = probe.getInputStream().read(buf, got, buf.length - got);
                    if (n < 0) {
                        return false;
                    }
                    got += n;
                }
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            }
        }

        private void startEcho(Socket s) throws IOException {
            s.setTcpNoDelay(true);
            sockets.add(s);
            threads.add(Thread.ofVirtual().name("echo").start(() -> {
                byte[] buf = new byte[8192];
                try (s) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        out.write(buf, 0, n);
                    }
                } catch (IOException closed) {
                    // stopLoad() closed the socket
                }
            }));
        }

        private void ping(Socket s) {
            byte[] buf = new byte[8192];
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                while (running) {
                    out.write(PING);
                    int got = 0;
                    while (got < PING.length) {
                        int n = in.read(buf, got, buf.length - got);
                        if (n < 0) {
                            return;
                        }
                        got += n;
                    }
                    roundTrips.incrementAndGet();
                }
            } catch (IOException closed) {
                // stopLoad() closed the socket
            }
        }

        private void stopLoad() throws InterruptedException {
            running = false;
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // released either way
                }
            }
            for (Thread t : threads) {
                if (!t.join(Duration.ofSeconds(30))) {
                    System.out.println("warning: " + t + " did not end within 30 s of its socket closing");
                }
            }
        }
    }

    private static String option(String[] args, String name, String fallback) {
        return Arrays.stream(args).filter(a -> a.startsWith(name + "=")).map(a -> a.substring(name.length() + 1))
                .findFirst().orElse(fallback);
    }
}
