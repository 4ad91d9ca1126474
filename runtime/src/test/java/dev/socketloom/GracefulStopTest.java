package dev.socketloom;

import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.await;
import static dev.socketloom.testing.TestSupport.awaitCondition;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** L3: stop(grace) stops accepting, lets handlers finish, then forces the rest. */
class GracefulStopTest {

    @Test
    void handlersThatFinishInTimeAreGracefulTheRestAreForced() throws Exception {
        Set<Thread> handlerThreads = ConcurrentHashMap.newKeySet();
        CountDownLatch started = new CountDownLatch(5);
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(loopback().build(), c -> {
                handlerThreads.add(Thread.currentThread());
                started.countDown();
                String request = c.readLine();
                if ("finish".equals(request)) {
                    c.writeLine("done"); // acknowledged data of a graceful handler must arrive
                }
            });
            List<Connection> quick = new ArrayList<>();
            List<Connection> stuck = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                quick.add(rt.connect("127.0.0.1", server.port()));
            }
            for (int i = 0; i < 2; i++) {
                stuck.add(rt.connect("127.0.0.1", server.port()));
            }
            await(started, "5 handlers");

            CompletableFuture<StopResult> stop = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    stop.complete(server.stop(Duration.ofSeconds(2)));
                } catch (Throwable t) {
                    stop.completeExceptionally(t);
                }
            });
            awaitCondition(() -> !server.isRunning(), "stop to begin");
            assertInetError(InetError.CONNECTION_REFUSED, () -> rt.connect("127.0.0.1", server.port()));
            for (Connection c : quick) {
                c.writeLine("finish");
            }
            StopResult result = stop.get(60, TimeUnit.SECONDS);

            assertEquals(new StopResult(3, 2, List.of()), result);
            for (Thread t : handlerThreads) {
                assertFalse(t.isAlive(), "all joined when stop returned");
            }
            assertEquals(0, server.clientCount());
            for (Connection c : quick) {
                assertEquals("done", c.readLine());
                assertNull(c.readLine());
                c.close();
            }
            for (Connection c : stuck) {
                assertNull(c.readLine(), "forced clients were disconnected");
                c.close();
            }
        }
    }

    @Test
    void stopReturnsAsSoonAsEveryHandlerHasFinished() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(loopback().build(), c -> {
                started.countDown();
                c.readLine();
            });
            Connection a = rt.connect("127.0.0.1", server.port());
            Connection b = rt.connect("127.0.0.1", server.port());
            await(started, "handlers");
            a.close();
            b.close();
            long t0 = System.nanoTime();
            StopResult r = server.stop(Duration.ofSeconds(120));
            long took = System.nanoTime() - t0;
            assertEquals(0, r.forced());
            assertTrue(took < TimeUnit.SECONDS.toNanos(60), "did not wait out the 120 s grace");
            assertTrue(server.awaitTermination(Duration.ZERO));
        }
    }

    @Test
    void aSecondStopReportsOnlyItsOwnWork() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(loopback().build(), c -> {
                started.countDown();
                c.readLine();
            });
            Connection a = rt.connect("127.0.0.1", server.port());
            await(started, "handler");
            CompletableFuture<StopResult> first = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    first.complete(server.stop(Duration.ofSeconds(30)));
                } catch (Throwable t) {
                    first.completeExceptionally(t);
                }
            });
            awaitCondition(() -> !server.isRunning(), "the first stop to begin");
            a.close(); // the handler finishes on its own during the first stop's grace
            assertEquals(new StopResult(1, 0, List.of()), first.get(60, TimeUnit.SECONDS));
            assertEquals(new StopResult(0, 0, List.of()), server.stop(Duration.ZERO), "nothing left for a second stop");
        }
    }

    @Test
    void aHandlerInterruptedByDisconnectIsNotAFailure() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(loopback().build(), c -> {
                started.countDown();
                new CountDownLatch(1).await(); // blocked outside socket I/O: the interrupt surfaces here
            });
            Connection a = rt.connect("127.0.0.1", server.port());
            await(started, "handler");
            server.disconnect();
            assertEquals(0, server.stats().handlerFailures());
            a.close();
        }
    }

    @Test
    void stopWithoutClientsReportsNothing() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(loopback().build(), Connection::disconnect);
            assertEquals(new StopResult(0, 0, List.of()), server.stop(Duration.ofSeconds(1)));
            assertInetError(InetError.INVALID_ARGUMENT, () -> server.stop(Duration.ofSeconds(-1)));
        }
    }

    /** Runs {@code server.stop(grace)} on its own thread. */
    private static CompletableFuture<StopResult> stopAsync(Server server, Duration grace) {
        CompletableFuture<StopResult> stop = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                stop.complete(server.stop(grace));
            } catch (Throwable t) {
                stop.completeExceptionally(t);
            }
        });
        return stop;
    }

    @Test
    void handlersEndedByAConcurrentDisconnectCountAsForced() throws Exception {
        CountDownLatch started = new CountDownLatch(10);
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(loopback().build(), c -> {
                started.countDown();
                c.readLine(); // the clients never send: no handler finishes on its own
            });
            List<Connection> clients = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                clients.add(rt.connect("127.0.0.1", server.port()));
            }
            await(started, "10 handlers");
            CompletableFuture<StopResult> stop = stopAsync(server, Duration.ofSeconds(30));
            awaitCondition(() -> !server.isRunning(), "stop to begin its grace period");
            server.disconnect(); // overtakes the stop from another thread

            StopResult result = stop.get(60, TimeUnit.SECONDS);
            assertEquals(new StopResult(0, 10, List.of()), result, "the disconnect forced every handler");
            assertEquals(0, server.clientCount());
            ServerStats stats = server.stats();
            assertEquals(10, stats.accepted());
            assertEquals(0, stats.active());
            assertEquals(0, stats.handlerFailures(), "a handler ended by a disconnect is not a failure");
            for (Connection c : clients) {
                c.close();
            }
        }
    }

    @Test
    void aHandlerSeesTheGracePeriodAndBroadcastReachesItsClients() throws Exception {
        CountDownLatch started = new CountDownLatch(3);
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(loopback().build(), c -> {
                assertFalse(c.isServerStopping());
                started.countDown();
                String line;
                while ((line = c.readLine()) != null) {
                    if (c.isServerStopping()) {
                        c.writeLine("leaving after " + line);
                        return; // finishes on its own within the grace period
                    }
                    c.writeLine(line);
                }
            });
            List<Connection> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clients.add(rt.connect("127.0.0.1", server.port()));
            }
            await(started, "3 handlers");
            assertFalse(server.isStopping());
            CompletableFuture<StopResult> stop = stopAsync(server, Duration.ofSeconds(30));
            awaitCondition(() -> !server.isRunning(), "stop to begin its grace period");
            assertTrue(server.isStopping());

            assertEquals(3, server.broadcastLine("server going down"), "broadcast works during the grace period");
            for (Connection c : clients) {
                assertEquals("server going down", c.readLine());
                c.writeLine("bye");
                assertEquals("leaving after bye", c.readLine());
            }
            assertEquals(new StopResult(3, 0, List.of()), stop.get(60, TimeUnit.SECONDS));
            assertTrue(server.isStopping(), "stays set once the server stopped");
            assertInetError(InetError.SERVER_STOPPED, () -> server.broadcastLine("too late"));
            for (Connection c : clients) {
                c.close();
            }
        }
    }
}
