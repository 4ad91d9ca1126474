package dev.socketloom;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs in a child JVM with a low fd limit ({@code ulimit -n}) for {@link AcceptorBackoffTest}: starts an echo
 * server, then obeys commands on stdin, answering on stdout.
 *
 * <pre>
 * PORT n               (printed at start)
 * EXHAUST   -> EXHAUSTED k     opens /dev/null until EMFILE, keeps the k descriptors
 * STATS     -> STATS accepted acceptFailures running
 * RELEASE   -> RELEASED        closes the hoarded descriptors
 * EXIT      -> BYE             closes the runtime
 * </pre>
 */
public final class FdExhaustionChild {
    private static final int WARM_UP_CONNECTIONS = 2;

    private FdExhaustionChild() {
    }

    /**
     * Loads every class the server and this child will need, and initializes logging: once descriptors are
     * exhausted, the class loader cannot open class files any more.
     */
    private static void warmUp(SocketRuntime rt, Server server) throws Exception {
        System.getLogger("dev.socketloom").log(System.Logger.Level.INFO, "fd exhaustion child starting");
        try (Connection c = rt.connect("127.0.0.1", server.port())) {
            c.writeLine("warm-up");
            c.readLine();
        }
        try (Server other = rt.startServer(ServerOptions.builder().bindAddress(InetAddress.getLoopbackAddress()).build(), Connection::disconnect)) {
            other.stats();
        }
        // The acceptor is a platform thread, so nothing above has parked a virtual thread in a socket read yet: make
        // one park (a read that times out on a silent connection), so the JDK's virtual-thread poller, which needs
        // descriptors of its own, is created now and not after the descriptors are gone.
        Thread parker = Thread.ofVirtual().start(() -> {
            try (Connection c = rt.connect("127.0.0.1", server.port(),
                    ConnectOptions.builder().readTimeout(Duration.ofMillis(20)).build())) {
                c.writeLine("warm-up"); // served, so counted as accepted before the join below returns
                c.readLine();
                c.read(new byte[1]);
            } catch (InetException expectedTimeout) {
                // the read parked, then timed out: that is all this was for
            }
        });
        parker.join();
        // The server side of the warm-up connections closes when its handler sees EOF, which may be later: close it
        // now (disconnect joins the handler), or its descriptor would come free in the middle of the exhaustion.
        for (Connection c : server.clients()) {
            c.disconnect();
        }
        server.stats();
        new ServerStats(0, 0, 0, 0, 0).toString();
        "STATS 1 2 true".split(" ");
    }

    /**
     * Opens /dev/null until EMFILE, in rounds until a round gets nothing: the first EMFILE itself may need a
     * descriptor for a moment (class loading for the exception), which is free again when the next round starts.
     * Returns the last error message.
     */
    private static String exhaust(List<FileInputStream> hoard) {
        String error = null;
        for (int round = 0; round < 10; round++) {
            int before = hoard.size();
            try {
                while (true) {
                    hoard.add(new FileInputStream("/dev/null"));
                }
            } catch (IOException emfile) {
                error = emfile.getMessage();
            }
            if (hoard.size() == before && round > 0) {
                break;
            }
        }
        return error;
    }

    public static void main(String[] args) throws Exception {
        List<FileInputStream> hoard = new ArrayList<>();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(ServerOptions.builder()
                    .bindAddress(InetAddress.getLoopbackAddress())
                    .acceptBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
                    .build(), c -> {
                        String line;
                        while ((line = c.readLine()) != null) {
                            c.writeLine(line);
                        }
                    });
            warmUp(rt, server);
            System.out.println("PORT " + server.port());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String cmd;
            while ((cmd = in.readLine()) != null) {
                switch (cmd) {
                    case "EXHAUST" -> {
                        String error = exhaust(hoard);
                        System.out.println("EXHAUSTED " + hoard.size() + " " + error);
                    }
                    case "STATS" -> {
                        ServerStats s = server.stats();
                        // accepted counts the two warm-up connections
                                        System.out.println("STATS " + (s.accepted() - WARM_UP_CONNECTIONS) + " " + s.acceptFailures() + " "
                                + server.isRunning());
                    }
                    case "RELEASE" -> {
                        for (FileInputStream f : hoard) {
                            f.close();
                        }
                        hoard.clear();
                        System.out.println("RELEASED");
                    }
                    case "EXIT" -> {
                        server.disconnect();
                        System.out.println("BYE");
                        return;
                    }
                    default -> System.out.println("UNKNOWN " + cmd);
                }
            }
        }
    }
}
