package dev.socketloom;

import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.await;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** L6: a handler that ignores interrupts cannot hang disconnect forever. */
class StubbornHandlerTest {
    private static final Duration JOIN_DEADLINE = Duration.ofMillis(300);

    /** Blocks until released, swallowing every interrupt. */
    private static void ignoreInterruptsUntil(CountDownLatch release) {
        while (release.getCount() > 0) {
            try {
                release.await();
            } catch (InterruptedException swallowed) {
                // stubborn on purpose
            }
        }
    }

    @Test
    void connectionDisconnectReportsTheStragglerAndStillClosesTheSocket() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Thread> handlerThread = new AtomicReference<>();
        ServerOptions options = loopback()
                .clientOptions(ConnectOptions.builder().joinDeadline(JOIN_DEADLINE).build()).build();
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(options, c -> {
                 handlerThread.set(Thread.currentThread());
                 started.countDown();
                 ignoreInterruptsUntil(release);
             })) {
            Connection client = rt.connect("127.0.0.1", server.port(),
                    ConnectOptions.builder().readTimeout(Duration.ofSeconds(30)).build());
            await(started, "stubborn handler");
            Connection serverSide = server.clients().getFirst();
            long t0 = System.nanoTime();
            InetException e = assertInetError(InetError.THREAD_NOT_TERMINATED, serverSide::disconnect);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "bounded by the join deadline, took " + took);
            assertTrue(took.compareTo(JOIN_DEADLINE) >= 0, "waited for the join deadline, took " + took);
            assertEquals(java.util.List.of(handlerThread.get().getName()), e.stragglers());
            assertTrue(e.getMessage().contains(handlerThread.get().getName()), e::getMessage);

            assertEquals(-1, client.read(new byte[1], 0, 1), "the socket was closed anyway");
            assertInetError(InetError.NOT_CONNECTED, serverSide::readLine);
            assertEquals(0, server.clientCount());
            assertTrue(handlerThread.get().isAlive(), "the straggler is reported, not hidden");

            release.countDown();
            handlerThread.get().join();
            serverSide.disconnect(); // now it terminates: no error
            client.close();
        }
    }

    @Test
    void serverDisconnectListsEveryStraggler() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(2);
        ServerOptions options = loopback().joinDeadline(JOIN_DEADLINE).build();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(options, c -> {
                started.countDown();
                ignoreInterruptsUntil(release);
            });
            Connection a = rt.connect("127.0.0.1", server.port());
            Connection b = rt.connect("127.0.0.1", server.port());
            await(started, "two stubborn handlers");
            InetException e = assertInetError(InetError.THREAD_NOT_TERMINATED, server::disconnect);
            assertEquals(2, e.stragglers().size(), e::getMessage);
            assertTrue(e.stragglers().stream().allMatch(n -> n.startsWith("socketloom-client-127.0.0.1:")));
            assertFalse(server.isRunning());
            assertEquals(0, server.clientCount());
            assertInetError(InetError.CONNECTION_REFUSED, () -> rt.connect("127.0.0.1", server.port()));
            release.countDown();
            assertTrue(server.awaitTermination(Duration.ofSeconds(30)));
            a.close();
            b.close();
        }
    }
}
