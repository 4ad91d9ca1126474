package dev.socketloom.stress.scenario;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.SocketRuntime;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Busy load for {@link SaturationScenario}: {@code n} connections to a line-echo server, each ping-ponging a short
 * line on its own virtual thread as fast as it can until the server closes it. Runs in the client JVM
 * ({@link SaturationChild}) or, for the same-JVM variant, next to the server.
 */
final class PingPongLoad {
    private static final String LINE = "busy";

    private final ErrorCounts errors = new ErrorCounts();
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicLong roundTrips = new AtomicLong();
    private final Connection[] conns;
    private final Thread pingers;

    private PingPongLoad(SocketRuntime rt, int port, int n) {
        conns = new Connection[n];
        // a read timeout only so that a server that never closes ends the load instead of hanging it
        ConnectOptions options = ConnectOptions.builder().connectTimeout(Duration.ofSeconds(60))
                .readTimeout(Duration.ofSeconds(120)).build();
        Tasks.parallel(n, 256, errors, i -> {
            conns[i] = rt.connect("127.0.0.1", port, options);
            connected.incrementAndGet();
        });
        // Started from a virtual thread, which starts each pinger in turn: on JDK 25 a virtual thread started from a
        // platform thread while others keep the carriers busy may not run for a long time (docs/saturation.md).
        pingers = Thread.ofVirtual().name("saturation-load").unstarted(() -> Tasks.parallel(n, 0, errors, this::ping));
        pingers.start();
    }

    /** Connects {@code n} connections to {@code 127.0.0.1:port} through {@code rt} and starts pinging on them. */
    static PingPongLoad start(SocketRuntime rt, int port, int n) {
        return new PingPongLoad(rt, port, n);
    }

    private void ping(int i) throws InetException {
        Connection conn = conns[i];
        if (conn == null) {
            return;
        }
        try {
            while (true) {
                conn.writeLine(LINE);
                String back = conn.readLine();
                if (back == null) {
                    closed.incrementAndGet();
                    return;
                }
                if (!LINE.equals(back)) {
                    errors.record("WRONG_ECHO", back);
                    return;
                }
                roundTrips.incrementAndGet();
            }
        } catch (InetException e) {
            if (e.error() == InetError.CONNECTION_RESET) {
                closed.incrementAndGet(); // the server closed with our line in flight
            } else {
                throw e;
            }
        } finally {
            conn.disconnect();
        }
    }

    int connected() {
        return connected.get();
    }

    /**
     * Waits until the load as a whole has completed {@code perConnection} round trips per connection; false after
     * {@code timeout}. (Not each single connection: under this load an occasional pair may not get going at all on
     * JDK 25, which the stop path then has to cope with too.)
     */
    boolean awaitMoving(long perConnection, Duration timeout) {
        long wanted = perConnection * conns.length;
        long end = System.nanoTime() + timeout.toNanos();
        while (roundTrips.get() < wanted) {
            if (System.nanoTime() > end || !pingers.isAlive()) {
                errors.record("NOT_MOVING", roundTrips.get() + " of " + wanted + " round trips within " + timeout);
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    /** Waits until every pinger has ended (the server closed its connection); false after {@code timeout}. */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return pingers.join(timeout);
    }

    /** Connections that ended by end of stream or reset, as a server close must end them. */
    int closed() {
        return closed.get();
    }

    long roundTrips() {
        return roundTrips.get();
    }

    ErrorCounts errors() {
        return errors;
    }
}
