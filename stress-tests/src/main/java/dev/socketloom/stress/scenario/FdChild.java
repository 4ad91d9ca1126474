package dev.socketloom.stress.scenario;

import dev.socketloom.Connection;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.ServerStats;
import dev.socketloom.SocketRuntime;
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
 * The server side of {@link FdExhaustionScenario}, run in a child JVM under a low {@code ulimit -n} (the same
 * technique as the runtime's {@code AcceptorBackoffTest}): a line-echo server that obeys commands on stdin.
 *
 * <pre>
 * PORT n               (printed at start)
 * EXHAUST   -> EXHAUSTED k reason   opens /dev/null until EMFILE and keeps the k descriptors
 * STATS     -> STATS accepted acceptFailures running
 * RELEASE   -> RELEASED             closes the hoarded descriptors
 * EXIT      -> BYE                  disconnects the server and closes the runtime
 * </pre>
 */
public final class FdChild {
    private FdChild() {
    }

    public static void main(String[] args) throws Exception {
        List<FileInputStream> hoard = new ArrayList<>();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(ServerOptions.builder().bindAddress(InetAddress.getLoopbackAddress())
                    .acceptBackoff(Duration.ofMillis(50), Duration.ofMillis(400)).build(), c -> {
                        String line;
                        while ((line = c.readLine()) != null) {
                            c.writeLine(line);
                        }
                    });
            warmUp(rt, server);
            System.out.println("PORT " + server.port());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String command;
            while ((command = in.readLine()) != null) {
                switch (command) {
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
                        System.out.println("STATS " + (s.accepted() - 1) + " " + s.acceptFailures() + " "
                                + server.isRunning()); // accepted minus the warm-up connection
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
                    default -> System.out.println("UNKNOWN " + command);
                }
            }
        }
    }

    /** Loads every class needed later and initializes logging: without descriptors no class file can be opened. */
    private static void warmUp(SocketRuntime rt, Server server) throws Exception {
        System.getLogger("dev.socketloom").log(System.Logger.Level.INFO, "fd exhaustion child starting");
        try (Connection c = rt.connect("127.0.0.1", server.port())) {
            c.writeLine("warm-up");
            c.readLine();
        }
        try (Server other = rt.startServer(ServerOptions.builder().bindAddress(InetAddress.getLoopbackAddress())
                .build(), Connection::disconnect)) {
            other.stats();
        }
        new ServerStats(0, 0, 0, 0, 0).toString();
        "STATS 1 2 true".split(" ");
    }
}
