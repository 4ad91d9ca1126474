package dev.socketloom;

import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 25: a client that stops reading never stalls a broadcast to the others. */
class FanOutTest {
    private static final int LINES = 300;

    @Test
    void aFastReaderGetsNinetyFivePercentOfThreeHundredLinesInTenSecondsDespiteAStuckClient() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server[] ref = new Server[1];
            Server server = rt.startServer(loopback().build(), c -> {
                String line;
                while ((line = c.readLine()) != null) {
                    ref[0].broadcastLine(line, c);
                }
            });
            ref[0] = server;
            try (Socket stuck = new Socket("127.0.0.1", server.port());
                 Connection reader = rt.connect("127.0.0.1", server.port());
                 Connection sender = rt.connect("127.0.0.1", server.port())) {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (server.clientCount() < 3 && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                assertEquals(3, server.clientCount());
                char[] pad = new char[30_000];
                Arrays.fill(pad, 'x');
                String body = new String(pad);
                Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 0; i < LINES; i++) {
                            sender.writeLine(i + " " + body);
                        }
                    } catch (InetException e) {
                        // the test fails on the count below
                    }
                });
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                int got = 0;
                while (got < LINES && System.nanoTime() < deadline) {
                    String line = reader.readLine();
                    assertTrue(line.startsWith(got + " "), "in order: expected line " + got);
                    got++;
                }
                assertTrue(got >= LINES * 95 / 100, "the fast reader got " + got + " of " + LINES + " in 10 s");
            }
        }
    }

    @Test
    void aNullBroadcastIsAnInvalidArgument() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), c -> c.readLine())) {
            InetException e = assertThrows(InetException.class, () -> server.broadcast(null));
            assertEquals(InetError.INVALID_ARGUMENT, e.error());
        }
    }

    @Test
    void aBroadcastAfterStopIsServerStopped() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(loopback().build(), c -> c.readLine());
            server.disconnect();
            InetException e = assertThrows(InetException.class, () -> server.broadcast(new byte[1]));
            assertEquals(InetError.SERVER_STOPPED, e.error());
        }
    }
}
