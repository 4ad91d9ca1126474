package dev.socketloom.stress.scenario;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetException;
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
    /** Connections the warm-up makes; not counted in STATS. */
    private static final int WARM_UP_CONNECTIONS = 2;

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
                        String error = exhaust(hoard);
                        System.out.println("EXHAUSTED " + hoard.size() + " " + error);
                    }
                    case "STATS" -> {
                        ServerStats s = server.stats();
                        System.out.println("STATS " + (s.accepted() - WARM_UP_CONNECTIONS) + " " + s.acceptFailures()
                                + " " + server.isRunning());
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
        // The acceptor is a platform thread, so nothing above parked a virtual thread in a socket read: make one
        // park (a read that times out on a silent connection), so that the JDK's virtual-thread poller, which needs
        // descriptors of its own, exists before the descriptors are gone.
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
        new ServerStats(0, 0, 0, 0, 0).toString();
        "STATS 1 2 true".split(" ");
    }

    /**
     * Opens /dev/null until EMFILE, in rounds until a round gets nothing: the first EMFILE may itself need a
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
}
