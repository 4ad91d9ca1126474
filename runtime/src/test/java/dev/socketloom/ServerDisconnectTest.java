package dev.socketloom;

import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.await;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.testing.LeakCheckExtension.Snapshot;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** L2: disconnecting a server. */
class ServerDisconnectTest {
    private static final int CLIENTS = 500;

    @Test
    void joinsAllClientThreadsAndFreesThePort() throws Exception {
        Set<Thread> handlerThreads = ConcurrentHashMap.newKeySet();
        CountDownLatch allBlocked = new CountDownLatch(CLIENTS);
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(loopback().build(), c -> {
                handlerThreads.add(Thread.currentThread());
                allBlocked.countDown();
                c.readLine(); // blocks: the clients never send
            });
            int port = server.port();
            List<Connection> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(rt.connect("127.0.0.1", port));
            }
            await(allBlocked, CLIENTS + " handlers blocked in readLine");
            assertEquals(CLIENTS, server.clientCount());
            assertTrue(threadNames().stream().anyMatch(n -> n.equals("socketloom-server-" + port + "-acceptor")));

            server.disconnect();

            assertEquals(CLIENTS, handlerThreads.size());
            for (Thread t : handlerThreads) {
                assertFalse(t.isAlive(), () -> t.getName() + " still alive after disconnect returned");
            }
            assertFalse(threadNames().stream().anyMatch(n -> n.startsWith("socketloom-server-" + port)),
                    "acceptor joined");
            assertEquals(0, server.clientCount());
            assertTrue(server.clients().isEmpty());
            assertFalse(server.isRunning());
            assertTrue(server.awaitTermination(Duration.ZERO));
            assertEquals(CLIENTS, rt.connections().size(), "only the client sides are left");

            // the port can be bound again at once, although the server's side of 500 connections is in TIME_WAIT
            try (Server again = rt.startServer(loopback().port(port).build(), LINE_ECHO);
                 Connection c = rt.connect("127.0.0.1", port)) {
                c.writeLine("again");
                assertEquals("again", c.readLine());
                assertEquals(port, again.port());
            }
            for (Connection c : clients) {
                assertNull(c.readLine(), "every client saw the server close");
                c.disconnect();
            }
        }
    }

    @Test
    void disconnectClosesTheListenerSoNewConnectsAreRefused() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(loopback().build(), LINE_ECHO);
            int port = server.port();
            server.disconnect();
            assertInetError(InetError.CONNECTION_REFUSED, () -> rt.connect("127.0.0.1", port));
            assertInetError(InetError.SERVER_STOPPED, server::suspend);
            assertFalse(rt.servers().contains(server));
            server.disconnect(); // idempotent
        }
    }

    @Test
    void concurrentServerDisconnectsAllReturnAfterTheGuarantees() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Set<Thread> handlerThreads = ConcurrentHashMap.newKeySet();
            CountDownLatch blocked = new CountDownLatch(20);
            Server server = rt.startServer(loopback().build(), c -> {
                handlerThreads.add(Thread.currentThread());
                blocked.countDown();
                c.readLine();
            });
            List<Connection> clients = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                clients.add(rt.connect("127.0.0.1", server.port()));
            }
            await(blocked, "handlers");
            List<Thread> callers = new ArrayList<>();
            Set<String> failures = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 4; i++) {
                callers.add(Thread.ofVirtual().start(() -> {
                    try {
                        server.disconnect();
                        if (handlerThreads.stream().anyMatch(Thread::isAlive) || server.clientCount() != 0) {
                            failures.add("returned before all threads were joined");
                        }
                    } catch (InetException e) {
                        failures.add(e.toString());
                    }
                }));
            }
            for (Thread t : callers) {
                t.join();
            }
            assertTrue(failures.isEmpty(), failures::toString);
            for (Connection c : clients) {
                c.close();
            }
        }
    }

    @Test
    void bindingAPortInUseFailsWithAddressInUse() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open();
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetException e = assertInetError(InetError.ADDRESS_IN_USE,
                    () -> rt.startServer(loopback().port(taken.getLocalPort()).build(), LINE_ECHO));
            assertTrue(e.getMessage().contains(String.valueOf(taken.getLocalPort())), e::getMessage);
            assertTrue(rt.servers().isEmpty());
        }
    }

    private static java.util.Collection<String> threadNames() throws java.io.IOException {
        return Snapshot.take().threads().values();
    }
}
