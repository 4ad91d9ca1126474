package dev.socketloom.stress.scenario;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.SocketRuntime;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load of {@link SaturationScenario}, run in a second JVM with the JDK's default poller mode. Reads commands on
 * stdin, one per line:
 * <ul>
 * <li>{@code LOAD <port> <n>}: connects {@code n} connections to {@code 127.0.0.1:<port>}, each ping-ponging a short
 * line with the server's line-echo handler on its own virtual thread as fast as it can; prints
 * {@code READY <connected> <errors>} once every connection has completed a round trip, then keeps going until the
 * server closes every connection and prints {@code ENDED <closed> <errors> <roundTrips>} ({@code closed}: connections
 * that ended by end of stream or reset, as a server close must end them).</li>
 * <li>{@code EXIT}: exits.</li>
 * </ul>
 */
public final class SaturationChild {
    private static final String LINE = "busy";

    private SaturationChild() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = in.readLine()) != null) {
            String[] c = command.trim().split(" ");
            if (c[0].equals("EXIT")) {
                return;
            }
            if (!c[0].equals("LOAD")) {
                System.out.println("ERROR unknown command " + command);
                continue;
            }
            load(Integer.parseInt(c[1]), Integer.parseInt(c[2]));
        }
    }

    private static void load(int port, int n) throws Exception {
        ErrorCounts errors = new ErrorCounts();
        AtomicInteger connected = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        AtomicLong roundTrips = new AtomicLong();
        CountDownLatch moving = new CountDownLatch(n);
        // a read timeout only so that a server that never closes ends the round instead of hanging it
        ConnectOptions options = ConnectOptions.builder().connectTimeout(Duration.ofSeconds(60))
                .readTimeout(Duration.ofSeconds(120)).build();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Connection[] conns = new Connection[n];
            Tasks.parallel(n, 256, errors, i -> {
                try {
                    conns[i] = rt.connect("127.0.0.1", port, options);
                    connected.incrementAndGet();
                } finally {
                    if (conns[i] == null) {
                        moving.countDown(); // failed: counted in errors, nothing to wait for
                    }
                }
            });
            Thread pingers = Thread.ofVirtual().start(() -> Tasks.parallel(n, 0, errors, i -> {
                Connection conn = conns[i];
                if (conn == null) {
                    return;
                }
                boolean first = true;
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
                        if (first) {
                            first = false;
                            moving.countDown();
                        }
                    }
                } catch (InetException e) {
                    if (e.error() == InetError.CONNECTION_RESET) {
                        closed.incrementAndGet(); // the server closed with our line in flight
                    } else {
                        throw e;
                    }
                } finally {
                    if (first) {
                        moving.countDown();
                    }
                    conn.disconnect();
                }
            }));
            boolean allMoving = moving.await(120, TimeUnit.SECONDS);
            if (!allMoving) {
                errors.record("NOT_MOVING", "not every connection completed a round trip within 120 s");
            }
            System.out.println("READY " + connected.get() + " " + errors.total());
            pingers.join();
            if (errors.total() > 0) {
                System.err.println("first error: " + errors.first()); // the parent shows the child's stderr
            }
            System.out.println("ENDED " + closed.get() + " " + errors.total() + " " + roundTrips.get());
        }
    }
}
