package dev.socketloom;

import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.await;
import static dev.socketloom.testing.TestSupport.loopback;
import static dev.socketloom.testing.TestSupport.returnsWithinDeadline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** L5: disconnect from inside the handler's own thread never deadlocks. */
class SelfDisconnectTest {

    @Test
    void connectionDisconnectFromItsOwnHandlerReturns() throws Exception {
        CompletableFuture<Boolean> afterDisconnect = new CompletableFuture<>();
        AtomicReference<Thread> handlerThread = new AtomicReference<>();
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), c -> {
                 handlerThread.set(Thread.currentThread());
                 c.readLine();
                 c.disconnect(); // must not join itself
                 afterDisconnect.complete(!c.isConnected());
             })) {
            Connection client = rt.connect("127.0.0.1", server.port());
            client.writeLine("bye");
            assertTrue(afterDisconnect.get(30, TimeUnit.SECONDS), "disconnect returned inside the handler");
            assertNull(client.readLine());
            handlerThread.get().join(30_000);
            assertFalse(handlerThread.get().isAlive(), "the thread ends when the handler returns");
            assertEquals(0, server.clientCount());
            client.close();
        }
    }

    @Test
    void serverDisconnectFromAHandlerReturnsAndDisconnectsTheOthers() throws Exception {
        AtomicReference<Server> serverRef = new AtomicReference<>();
        CompletableFuture<Boolean> returned = new CompletableFuture<>();
        CountDownLatch othersBlocked = new CountDownLatch(3);
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(loopback().build(), c -> {
                String first = c.readLine();
                if ("stop".equals(first)) {
                    serverRef.get().disconnect();
                    returned.complete(!serverRef.get().isRunning() && serverRef.get().clientCount() == 0);
                } else {
                    othersBlocked.countDown();
                    c.readLine();
                }
            });
            serverRef.set(server);
            Connection[] others = new Connection[3];
            for (int i = 0; i < others.length; i++) {
                others[i] = rt.connect("127.0.0.1", server.port());
                others[i].writeLine("wait");
            }
            await(othersBlocked, "other handlers");
            Connection stopper = rt.connect("127.0.0.1", server.port());
            stopper.writeLine("stop");
            assertTrue(returned.get(30, TimeUnit.SECONDS), "server disconnect returned inside a handler");
            assertTrue(server.awaitTermination(java.time.Duration.ofSeconds(30)), "all threads ended");
            for (Connection c : others) {
                assertNull(c.readLine());
                c.close();
            }
            stopper.close();
        }
    }

    @Test
    void runtimeCloseFromAHandlerReturns() throws Exception {
        SocketRuntime rt = SocketRuntime.open();
        CompletableFuture<Boolean> closed = new CompletableFuture<>();
        Server server = rt.startServer(loopback().build(), c -> {
            c.readLine();
            rt.close();
            closed.complete(rt.isClosed());
        });
        try (SocketRuntime clientRt = SocketRuntime.open()) {
            Connection c = clientRt.connect("127.0.0.1", server.port());
            c.writeLine("close the runtime");
            assertTrue(closed.get(30, TimeUnit.SECONDS));
            assertTrue(server.awaitTermination(java.time.Duration.ofSeconds(30)));
            assertNull(c.readLine());
        }
        returnsWithinDeadline("close again", () -> {
            rt.close();
            return null;
        });
        assertEquals(0, rt.liveThreadCount());
    }

    @Test
    void echoStillWorksOnOtherServersAfterASelfDisconnect() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open();
             Server echo = rt.startServer(loopback().build(), LINE_ECHO);
             Server quitter = rt.startServer(loopback().build(), Connection::disconnect)) {
            try (Connection q = rt.connect("127.0.0.1", quitter.port());
                 Connection e = rt.connect("127.0.0.1", echo.port())) {
                assertNull(q.readLine());
                e.writeLine("still here");
                assertEquals("still here", e.readLine());
            }
        }
    }
}
