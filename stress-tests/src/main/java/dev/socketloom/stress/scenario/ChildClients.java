package dev.socketloom.stress.scenario;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.SocketRuntime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client side of {@link ConnectionsScenario}, run in a second JVM:
 * {@code ChildClients host port conns messages}. Connects {@code conns} connections, echoes {@code messages} lines
 * on each, prints {@code CONNECTED <connected> <errors>}, then waits until the server closes every connection and
 * prints {@code CLOSED <closed> <errors>}. Progress lines {@code PROGRESS <n>} come in between.
 */
public final class ChildClients {
    private ChildClients() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        int messages = Integer.parseInt(args[3]);
        ErrorCounts errors = new ErrorCounts();
        Connection[] conns = new Connection[n];
        AtomicInteger connected = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        ConnectOptions options = ConnectOptions.builder().connectTimeout(Duration.ofSeconds(60))
                .readTimeout(Duration.ofSeconds(300)).build();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Tasks.parallel(n, 256, errors, i -> {
                Connection c = rt.connect(host, port, options);
                conns[i] = c;
                for (int k = 0; k < messages; k++) {
                    String line = "message " + k + " from " + i;
                    c.writeLine(line);
                    if (!line.equals(c.readLine())) {
                        throw new InetException(InetError.IO_ERROR, "wrong echo on connection " + i);
                    }
                }
                int done = connected.incrementAndGet();
                if (done % 500 == 0) {
                    System.out.println("PROGRESS " + done);
                }
            });
            System.out.println("CONNECTED " + connected.get() + " " + errors.total());
            Tasks.parallel(n, 0, errors, i -> {
                Connection c = conns[i];
                if (c == null) {
                    return;
                }
                try {
                    String line = c.readLine();
                    if (line == null) {
                        closed.incrementAndGet();
                    } else {
                        errors.record("UNEXPECTED_DATA", line);
                    }
                } catch (InetException e) {
                    // a reset is also the server closing; a timeout means the server never closed
                    if (e.error() == InetError.CONNECTION_RESET) {
                        closed.incrementAndGet();
                    } else {
                        throw e;
                    }
                } finally {
                    c.disconnect();
                }
            });
            System.out.println("CLOSED " + closed.get() + " " + errors.total());
        }
    }
}
