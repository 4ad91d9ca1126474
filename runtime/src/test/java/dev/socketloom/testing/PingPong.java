package dev.socketloom.testing;

import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Busy load for the carriers: one virtual thread that ping-pongs a short line over a client-side connection with a
 * line-echo handler as fast as it can, until the connection ends. With a few dozen of these in the JVM every carrier
 * of the virtual-thread scheduler stays busy, which is the condition the stop path must survive (L2: nothing on it
 * may wait for a virtual thread that the busy scheduler does not run).
 *
 * <p>It ends on its own when either side closes the connection and records how: {@code EOF} (end of stream) or the
 * {@link InetError} name ({@code CONNECTION_RESET} when the server side closed with the line in flight,
 * {@code NOT_CONNECTED} when the client side was disconnected). A wrong echo or any other failure is a
 * {@link #problem()}; the pinger stops there.
 */
public final class PingPong {
    /** The line every pinger sends; its handler must echo it unchanged. */
    public static final String LINE = "busy";
    /** The endings that mean "the connection was closed by one of its sides", not "something went wrong". */
    public static final Set<String> CLOSED = Set.of("EOF", InetError.CONNECTION_RESET.name(),
            InetError.NOT_CONNECTED.name());

    private final Connection connection;
    private final AtomicLong roundTrips = new AtomicLong();
    private final Thread thread;
    private volatile String ending;
    private volatile String problem;

    private PingPong(Connection connection, String name) {
        this.connection = connection;
        this.thread = Thread.ofVirtual().name(name).unstarted(this::run);
    }

    /**
     * Starts pinging on each of {@code connections} (client-side connections whose server echoes lines), threads
     * named {@code namePrefix + index}. They are started together from one virtual thread: a virtual thread started
     * (or woken) from a platform thread while others already keep the carriers busy may not be scheduled for a long
     * time on JDK 25 (docs/saturation.md), and the load must not starve its own latecomers.
     */
    public static List<PingPong> startAll(List<Connection> connections, String namePrefix) {
        List<PingPong> pingers = new ArrayList<>();
        for (int i = 0; i < connections.size(); i++) {
            pingers.add(new PingPong(connections.get(i), namePrefix + i));
        }
        Thread starter = Thread.ofVirtual().name(namePrefix + "starter")
                .start(() -> pingers.forEach(p -> p.thread.start()));
        try {
            if (!starter.join(TestSupport.DEADLINE)) {
                throw new AssertionError("could not start the ping-pong threads within " + TestSupport.DEADLINE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while starting the ping-pong threads", e);
        }
        return pingers;
    }

    private void run() {
        try {
            while (true) {
                connection.writeLine(LINE);
                String back = connection.readLine();
                if (back == null) {
                    ending = "EOF";
                    return;
                }
                if (!LINE.equals(back)) {
                    problem = "wrong echo on " + connection + ": " + back;
                    ending = "WRONG_ECHO";
                    return;
                }
                roundTrips.incrementAndGet();
            }
        } catch (InetException e) {
            ending = e.error().name();
            if (!CLOSED.contains(ending)) {
                problem = "ping-pong on " + connection + " failed: " + e;
            }
        } catch (Throwable t) {
            ending = t.getClass().getSimpleName();
            problem = "ping-pong on " + connection + " failed: " + t;
        }
    }

    public long roundTrips() {
        return roundTrips.get();
    }

    public Thread thread() {
        return thread;
    }

    public Connection connection() {
        return connection;
    }

    /** How it ended ({@code EOF} or an {@link InetError} name), or null while it runs. */
    public String ending() {
        return ending;
    }

    /** A wrong echo or unexpected failure, or null. */
    public String problem() {
        return problem;
    }

    /** Waits for the pinger to end; true if it did within {@code timeout}. */
    public boolean join(Duration timeout) throws InterruptedException {
        return thread.join(timeout);
    }

    /**
     * Waits until the pingers together have completed {@code each} round trips per pinger, so the load is really
     * running; fails if they have not within {@link TestSupport#DEADLINE}. Not every single one has to move: under
     * this very load an occasional pair never gets going on JDK 25 (one of its wake-ups waits behind the busy carriers,
     * as in docs/saturation.md), and the stop path has to cope with that too.
     */
    public static void awaitRoundTrips(Collection<PingPong> pingers, long each) {
        long end = System.nanoTime() + TestSupport.DEADLINE.toNanos();
        long wanted = each * pingers.size();
        long total;
        while ((total = pingers.stream().mapToLong(PingPong::roundTrips).sum()) < wanted) {
            if (System.nanoTime() > end || pingers.stream().allMatch(p -> p.ending != null)) {
                throw new AssertionError("the ping-pong load did only " + total + " of " + wanted
                        + " round trips; endings: " + pingers.stream().map(p -> p.ending).toList());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
