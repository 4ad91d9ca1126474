package dev.socketloom;

import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.await;
import static dev.socketloom.testing.TestSupport.loopback;
import static dev.socketloom.testing.TestSupport.openSockets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** L1: disconnecting one client connection. */
class ClientDisconnectTest {

    /** A line echo that first publishes its own thread and signals that it runs. */
    private static ConnectionHandler echoRecordingThread(AtomicReference<Thread> thread, CountDownLatch running) {
        return c -> {
            thread.set(Thread.currentThread());
            running.countDown();
            LINE_ECHO.handle(c);
        };
    }

    @Test
    void serverSideDisconnectJoinsHandlerClosesFdAndInvalidatesConnection() throws Exception {
        AtomicReference<Thread> handlerThread = new AtomicReference<>();
        CountDownLatch handling = new CountDownLatch(1);
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), echoRecordingThread(handlerThread, handling))) {
            long socketsBefore = openSockets();
            Connection client = rt.connect("127.0.0.1", server.port());
            await(handling, "handler start");
            assertEquals(socketsBefore + 2, openSockets(), "client and accepted socket are open");
            Connection serverSide = server.clients().getFirst();
            assertTrue(handlerThread.get().getName().startsWith("socketloom-client-127.0.0.1:"));

            serverSide.disconnect();

            assertFalse(handlerThread.get().isAlive(), "handler thread joined");
            assertEquals(socketsBefore + 1, openSockets(), "accepted socket closed, only the client's is left");
            assertEquals(0, server.clientCount());
            assertTrue(server.clients().isEmpty());
            assertFalse(rt.connections().contains(serverSide));
            assertFalse(serverSide.isConnected());
            byte[] buf = new byte[8];
            assertInetError(InetError.NOT_CONNECTED, () -> serverSide.read(buf, 0, 8));
            assertInetError(InetError.NOT_CONNECTED, serverSide::readLine);
            assertInetError(InetError.NOT_CONNECTED, () -> serverSide.peek(buf, 0, 8));
            assertInetError(InetError.NOT_CONNECTED, () -> serverSide.write(buf, 0, 8));
            assertInetError(InetError.NOT_CONNECTED, () -> serverSide.writeLine("x"));
            assertInetError(InetError.NOT_CONNECTED, serverSide::shutdownOutput);
            assertEquals(0, serverSide.available());
            serverSide.disconnect(); // idempotent

            assertNull(client.readLine(), "the client sees the server's close as end of stream");
            client.disconnect();
            assertInetError(InetError.NOT_CONNECTED, client::readLine);
        }
    }

    @Test
    void clientSideDisconnectEndsTheServerHandler() throws Exception {
        CompletableFuture<String> handlerSaw = new CompletableFuture<>();
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), c -> handlerSaw.complete(c.readLine()))) {
            Connection client = rt.connect("127.0.0.1", server.port());
            client.disconnect();
            assertNull(handlerSaw.get(30, TimeUnit.SECONDS));
            assertTrue(server.isRunning(), "a client leaving does not affect the server");
            assertFalse(rt.connections().contains(client));
        }
    }

    @Test
    void concurrentDisconnectFromEightThreadsIsSafe() throws Exception {
        AtomicReference<Thread> handlerThread = new AtomicReference<>();
        CountDownLatch handling = new CountDownLatch(1);
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), echoRecordingThread(handlerThread, handling))) {
            try (Connection ignored = rt.connect("127.0.0.1", server.port())) {
                await(handling, "handler start");
                Connection serverSide = server.clients().getFirst();
                CyclicBarrier start = new CyclicBarrier(8);
                List<CompletableFuture<Boolean>> results = new ArrayList<>();
                List<Thread> callers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    CompletableFuture<Boolean> result = new CompletableFuture<>();
                    results.add(result);
                    callers.add(Thread.ofPlatform().name("disconnector-" + i).start(() -> {
                        try {
                            start.await();
                            serverSide.disconnect();
                            // every caller returns only after the guarantees hold
                            result.complete(!handlerThread.get().isAlive() && server.clientCount() == 0);
                        } catch (Throwable t) {
                            result.completeExceptionally(t);
                        }
                    }));
                }
                for (CompletableFuture<Boolean> r : results) {
                    assertTrue(r.get(30, TimeUnit.SECONDS), "guarantees held when disconnect returned");
                }
                for (Thread t : callers) {
                    t.join();
                }
                assertInetError(InetError.NOT_CONNECTED, serverSide::readLine);
            }
        }
    }

    @Test
    void clientConnectionEchoesAndThenIsInvalid() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), LINE_ECHO)) {
            Connection c = rt.connect("127.0.0.1", server.port());
            c.writeLine("hello");
            assertEquals("hello", c.readLine());
            assertEquals(server.port(), c.remoteAddress().getPort());
            assertTrue(c.isConnected());
            c.close();
            assertFalse(c.isConnected());
            assertInetError(InetError.NOT_CONNECTED, () -> c.writeLine("again"));
        }
    }
}
