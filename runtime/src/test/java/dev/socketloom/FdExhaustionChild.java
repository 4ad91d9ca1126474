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
        server.stats();
        new ServerStats(0, 0, 0, 0, 0).toString();
        "STATS 1 2 true".split(" ");
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
                        try {
                            while (true) {
                                hoard.add(new FileInputStream("/dev/null"));
                            }
                        } catch (IOException emfile) {
                            System.out.println("EXHAUSTED " + hoard.size() + " " + emfile.getMessage());
                        }
                    }
                    case "STATS" -> {
                        ServerStats s = server.stats();
                        // accepted counts the warm-up connection
                        System.out.println("STATS " + (s.accepted() - 1) + " " + s.acceptFailures() + " "
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
