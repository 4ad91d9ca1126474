package dev.socketloom.stress.scenario;

import dev.socketloom.SocketRuntime;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The load of {@link SaturationScenario}, run in a second JVM with the JDK's default poller mode. Reads commands on
 * stdin, one per line:
 * <ul>
 * <li>{@code LOAD <port> <n>}: connects {@code n} connections to {@code 127.0.0.1:<port>}, each ping-ponging a short
 * line with the server's line-echo handler on its own virtual thread as fast as it can ({@link PingPongLoad}); prints
 * {@code READY <connected> <errors>} once the load is moving, then keeps going until the server closes every
 * connection and prints {@code ENDED <closed> <errors> <roundTrips>} ({@code closed}: connections that ended by end of
 * stream or reset, as a server close must end them).</li>
 * <li>{@code EXIT}: exits.</li>
 * </ul>
 */
public final class SaturationChild {
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
        try (SocketRuntime rt = SocketRuntime.open()) {
            PingPongLoad load = PingPongLoad.start(rt, port, n);
            load.awaitMoving(10, Duration.ofSeconds(120));
            System.out.println("READY " + load.connected() + " " + load.errors().total());
            if (!load.awaitEnd(Duration.ofSeconds(300))) {
                load.errors().record("NOT_ENDED", "the load did not end within 300 s");
            }
            if (load.errors().total() > 0) {
                System.err.println("first error: " + load.errors().first()); // the parent shows the child's stderr
            }
            System.out.println("ENDED " + load.closed() + " " + load.errors().total() + " " + load.roundTrips());
        }
    }
}
