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
            try (Socket stuck = new Socket("127.0.0.1", server.port()); // connects and never reads
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
                // the stuck client is cut once its queue would pass the limit, and counted
                byte[] more = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                long cutBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (server.stats().slowConsumers() == 0 && System.nanoTime() < cutBy) {
                    server.broadcast(more, sender);
                }
                assertEquals(1, server.stats().slowConsumers(), "the stuck client was cut as a slow consumer");
            }
        }
    }

    @Test
    void aThousandBroadcastsToAStuckClientLeaveOneBoundedQueueAndOneWriter() throws Exception {
        long limit = 16L << 20;
        java.util.concurrent.CountDownLatch handling = new java.util.concurrent.CountDownLatch(1);
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().broadcastQueueLimit(limit).build(), c -> {
                 handling.countDown();
                 c.readLine();
             });
             Socket stuck = new Socket("127.0.0.1", server.port())) {
            assertTrue(handling.await(30, TimeUnit.SECONDS), "the stuck client's handler runs");
            int before = rt.liveThreadCount(); // the acceptor, the keeper and the stuck client's handler
            byte[] message = new byte[8 * 1024];
            for (int i = 0; i < 1_000; i++) {
                assertEquals(1, server.broadcast(message), "queued to the stuck client");
                assertTrue(server.stats().queuedBytes() <= limit, "the queue stays within its limit");
            }
            assertTrue(rt.liveThreadCount() <= before + 1,
                    "one writer for the stuck client, not one per message: " + rt.liveThreadCount() + " live, "
                            + before + " before");
            assertEquals(0, server.stats().slowConsumers());
            assertTrue(stuck.isConnected());
        }
    }

    @Test
    void aZeroOrNegativeQueueLimitIsRefusedAtOnce() {
        assertThrows(IllegalArgumentException.class, () -> loopback().broadcastQueueLimit(0));
        assertThrows(IllegalArgumentException.class, () -> loopback().broadcastQueueLimit(-1));
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
