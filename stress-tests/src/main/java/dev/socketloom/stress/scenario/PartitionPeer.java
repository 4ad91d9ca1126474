package dev.socketloom.stress.scenario;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.ConnectionHandler;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.SocketRuntime;
import dev.socketloom.StopResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The two sides of {@link PartitionScenario}, each run as a child JVM inside its network namespace, driven line by
 * line on stdin/stdout.
 *
 * <p>{@code server <address>} starts six servers and prints {@code PORTS idle keepalive writer hold hold2 fresh}:
 * idle (idle timeout 3 s), keepalive (keepalive 2 s / 1 s / 3 probes, no timeout), writer (write timeout 3 s; writes
 * without end after the client's {@code GO}), hold and hold2 (handlers blocked in a read), fresh (line echo). The
 * first three print {@code ENDED <name> <InetError or EOF> after <ms since the last byte> ...} when their handler
 * ends. Commands: {@code STOP-HOLD <ms>} ({@code hold.stop(grace)}), {@code DISCONNECT-HOLD2}, {@code CLOSE} (the
 * runtime; prints live threads and sockets left).
 *
 * <p>{@code client <address> <ports...> <holdClients>} connects to each (a heartbeat line every 500 ms on idle, a
 * reader draining writer) and prints {@code CONNECTED}; {@code FRESH <port>} connects anew and echoes a line.
 */
public final class PartitionPeer {
    private static final Duration JOIN = Duration.ofSeconds(5);

    private PartitionPeer() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("server")) {
            server(InetAddress.getByName(args[1]));
        } else {
            client(args);
        }
        System.exit(0); // the client's heartbeat and reader threads may still be blocked on the vanished link
    }

    // ------------------------------------------------------------------ server side

    private static void server(InetAddress bind) throws Exception {
        long socketsBefore = openSockets();
        SocketRuntime rt = SocketRuntime.open();
        ServerOptions.Builder base = ServerOptions.builder().bindAddress(bind).port(0).joinDeadline(JOIN);
        Server idle = rt.startServer(base.idleTimeout(Duration.ofSeconds(3)).build(), reporting("idle", c -> {
            while (c.readLine() != null) {
                // heartbeats
            }
        }));
        base.idleTimeout(Duration.ZERO);
        Server keepalive = rt.startServer(base.clientOptions(ConnectOptions.builder().joinDeadline(JOIN)
                .keepAlive(Duration.ofSeconds(2), Duration.ofSeconds(1), 3).build()).build(), reporting("keepalive",
                c -> {
                    while (c.readLine() != null) {
                        // nothing is sent: the read waits until keepalive gives up on the peer
                    }
                }));
        Server writer = rt.startServer(base.clientOptions(ConnectOptions.builder().joinDeadline(JOIN)
                .writeTimeout(Duration.ofSeconds(3)).sendBufferSize(64 * 1024).build()).build(), reporting("writer",
                c -> {
                    c.readLine(); // GO
                    byte[] chunk = new byte[16 * 1024];
                    long written = 0;
                    try {
                        while (true) {
                            c.write(chunk);
                            written += chunk.length;
                        }
                    } finally {
                        System.out.println("WRITTEN writer " + written);
                    }
                }));
        base.clientOptions(ConnectOptions.builder().joinDeadline(JOIN).build());
        ConnectionHandler blocked = c -> {
            c.writeLine("READY");
            while (c.readLine() != null) {
                // blocked in a read until disconnected
            }
        };
        Server hold = rt.startServer(base.build(), blocked);
        Server hold2 = rt.startServer(base.build(), blocked);
        Server fresh = rt.startServer(base.build(), c -> {
            String line;
            while ((line = c.readLine()) != null) {
                c.writeLine(line);
            }
        });
        System.out.println("PORTS " + idle.port() + " " + keepalive.port() + " " + writer.port() + " " + hold.port()
                + " " + hold2.port() + " " + fresh.port());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = in.readLine()) != null) {
            long t0 = System.nanoTime();
            if (command.startsWith("STOP-HOLD ")) {
                StopResult r = hold.stop(Duration.ofMillis(Long.parseLong(command.substring(10))));
                System.out.println("STOPPED graceful=" + r.graceful() + " forced=" + r.forced() + " stragglers="
                        + r.stragglers().size() + " ms=" + millisSince(t0));
            } else if (command.equals("DISCONNECT-HOLD2")) {
                int before = hold2.clientCount();
                String outcome = "ok";
                try {
                    hold2.disconnect();
                } catch (InetException e) {
                    outcome = e.error().name();
                }
                System.out.println("DISCONNECTED " + outcome + " clients=" + before + " left=" + hold2.clientCount()
                        + " ms=" + millisSince(t0));
            } else if (command.equals("CLOSE")) {
                rt.close();
                System.out.println("CLOSED threads=" + rt.liveThreadCount() + " sockets="
                        + (openSockets() - socketsBefore) + " ms=" + millisSince(t0));
                return;
            }
        }
    }

    /** Greets, runs {@code body}, and reports how the handler ended. */
    private static ConnectionHandler reporting(String name, ConnectionHandler body) {
        return c -> {
            c.writeLine("READY");
            String outcome = "EOF";
            try {
                body.handle(c);
            } catch (InetException e) {
                outcome = e.error().name() + " (" + e.getMessage() + ")";
            }
            System.out.println("ENDED " + name + " " + outcome);
        };
    }

    private static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    /**
     * Open TCP sockets of this process: descriptors whose inode is in this namespace's TCP tables. (The JDK keeps one
     * AF_UNIX socket of its own once a blocked socket was closed; it is not the runtime's.)
     */
    private static long openSockets() throws IOException {
        Set<String> tcp = new HashSet<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                tcp.add("socket:[" + f[9] + "]");
            }
        }
        long n = 0;
        try (var fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : fds) {
                try {
                    n += tcp.contains(Files.readSymbolicLink(p).toString()) ? 1 : 0;
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ client side

    private static void client(String[] args) throws Exception {
        String server = args[1];
        int holdClients = Integer.parseInt(args[8]);
        ConnectOptions options = ConnectOptions.builder().connectTimeout(Duration.ofSeconds(10)).build();
        SocketRuntime rt = SocketRuntime.open();
        Connection idle = ready(rt.connect(server, Integer.parseInt(args[2]), options));
        Thread.ofVirtual().start(() -> {
            try {
                while (true) { // traffic until the link goes: the server's idle clock starts at the cut
                    idle.writeLine("beat");
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
                }
            } catch (InetException ended) {
                // the connection is gone
            }
        });
        ready(rt.connect(server, Integer.parseInt(args[3]), options));
        Connection writer = ready(rt.connect(server, Integer.parseInt(args[4]), options));
        writer.writeLine("GO");
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[64 * 1024];
            try {
                while (writer.read(buf) >= 0) {
                    // drain until the link goes
                }
            } catch (InetException ended) {
                // the connection is gone
            }
        });
        List<Connection> held = new ArrayList<>();
        for (int i = 0; i < holdClients; i++) {
            held.add(ready(rt.connect(server, Integer.parseInt(args[5]), options)));
            held.add(ready(rt.connect(server, Integer.parseInt(args[6]), options)));
        }
        System.out.println("CONNECTED " + (3 + held.size()));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = in.readLine()) != null) {
            if (command.startsWith("FRESH ")) {
                try (Connection c = rt.connect(server, Integer.parseInt(command.substring(6)), options.toBuilder()
                        .readTimeout(Duration.ofSeconds(30)).build())) {
                    c.writeLine("fresh");
                    System.out.println("fresh".equals(c.readLine()) ? "FRESH ok" : "FRESH wrong echo");
                } catch (InetException e) {
                    System.out.println("FRESH failed " + e.error() + " " + e.getMessage());
                }
            }
        }
    }

    private static Connection ready(Connection c) throws InetException {
        String greeting = c.readLine();
        if (!"READY".equals(greeting)) {
            throw new InetException(InetError.IO_ERROR, "expected READY, got " + greeting);
        }
        return c;
    }
}
