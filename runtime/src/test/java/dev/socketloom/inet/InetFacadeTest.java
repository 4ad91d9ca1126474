package dev.socketloom.inet;

import static dev.socketloom.testing.TestSupport.await;
import static dev.socketloom.testing.TestSupport.closedPort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.InetError;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.testing.TestSupport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import dev.socketloom.testing.InetSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The SocketWrench-compatible facade: return codes, last errors, handles (L7) and the seed's InetDisconnect. */
@ExtendWith(InetSession.class)
class InetFacadeTest {
    private static int echoServer() {
        int server = Inet.serverStart("127.0.0.1", 0, 0, 0, 0, Inet.INET_OPTION_NONE, InetSession.LINE_ECHO);
        assertNotEquals(Inet.INVALID_SOCKET, server, () -> Inet.getErrorString(Inet.getLastError()));
        return server;
    }

    private static void assertLastError(InetError expected) {
        assertEquals(expected.code(), Inet.getLastError(),
                () -> "last error was " + Inet.getErrorString(Inet.getLastError()));
    }

    @Test
    void echoThroughServerStartConnectWriteLineReadLine() {
        int server = echoServer();
        int port = Inet.serverPort(server);
        int client = Inet.connect("127.0.0.1", port, 30, Inet.INET_OPTION_NODELAY);
        assertNotEquals(Inet.INVALID_SOCKET, client);
        assertLastError(InetError.NONE);
        assertEquals(7, Inet.writeLine(client, "hello"));
        assertEquals("hello", Inet.readLine(client));
        byte[] data = "raw bytes\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(data.length, Inet.write(client, data, data.length));
        assertTrue(Inet.isReadable(client, 30_000));
        byte[] buf = new byte[64];
        int peeked = Inet.peek(client, buf, buf.length);
        assertTrue(peeked > 0);
        assertEquals("raw bytes", Inet.readLine(client));
        assertTrue(Inet.isConnected(client));
        assertTrue(Inet.isWritable(client));
        assertEquals(0, Inet.disconnect(client), "success returns zero, as the seed says");
        assertEquals(0, Inet.disconnect(server));
    }

    @Test
    void failuresReturnErrorValuesAndSetTheLastError() throws Exception {
        int port = closedPort();
        assertEquals(Inet.INVALID_SOCKET, Inet.connect("127.0.0.1", port, 5, 0));
        assertLastError(InetError.CONNECTION_REFUSED);
        assertFalse(Inet.getErrorString(Inet.getLastError()).isBlank());
        assertEquals(Inet.INVALID_SOCKET, Inet.connect("no-such-host.invalid", 80, 5, 0));
        assertLastError(InetError.HOST_NOT_FOUND);
        assertEquals(Inet.INVALID_SOCKET, Inet.connect("127.0.0.1", 0, 5, 0));
        assertLastError(InetError.INVALID_ARGUMENT);
        assertEquals(Inet.INVALID_SOCKET, Inet.connect("127.0.0.1", port, -1, 0));
        assertLastError(InetError.INVALID_ARGUMENT);
        assertEquals(Inet.INVALID_SOCKET, Inet.connect("127.0.0.1", port, 5, Inet.INET_OPTION_SECURE));
        assertLastError(InetError.CONNECTION_REFUSED); // TLS is supported (InetTlsTest); the refusal comes first
        assertEquals(Inet.INVALID_SOCKET, Inet.connect("127.0.0.1", port, 5, 0x4000));
        assertLastError(InetError.INVALID_ARGUMENT);
        assertEquals(Inet.INET_ERROR, Inet.read(12345, new byte[4], 4));
        assertLastError(InetError.INVALID_HANDLE);
        assertEquals(Inet.INET_ERROR, Inet.disconnect(Inet.INVALID_SOCKET));
        assertLastError(InetError.INVALID_HANDLE);
        assertNull(Inet.readLine(0));
        assertLastError(InetError.INVALID_HANDLE);
        assertEquals(Inet.INET_ERROR, Inet.serverSuspend(777));
        assertLastError(InetError.INVALID_HANDLE);

        int server = echoServer();
        int client = Inet.connect("127.0.0.1", Inet.serverPort(server), 30, 0);
        assertEquals(Inet.INET_ERROR, Inet.read(client, new byte[4], 5));
        assertLastError(InetError.INVALID_ARGUMENT);
        assertEquals(Inet.INET_ERROR, Inet.read(server, new byte[4], 4), "a server handle is not a connection");
        assertLastError(InetError.INVALID_HANDLE);
        assertEquals(Inet.INET_ERROR, Inet.serverPort(client), "a connection handle is not a server");
        assertLastError(InetError.INVALID_HANDLE);
        assertEquals(Inet.INVALID_SOCKET, Inet.serverStart("127.0.0.1", Inet.serverPort(server), 0, 0, 0, 0,
                InetSession.LINE_ECHO));
        assertLastError(InetError.ADDRESS_IN_USE);
        assertEquals(0, Inet.disconnect(client));
        assertEquals(0, Inet.disconnect(server));
    }

    @Test
    void staleHandleIsDetectedEvenWhenItsSlotIsReused() throws Exception {
        // the peer is served by the object API, so that no server-side client handles are taken concurrently
        try (SocketRuntime peers = SocketRuntime.open();
             Server echo = peers.startServer(dev.socketloom.testing.TestSupport.loopback().build(),
                     dev.socketloom.testing.TestSupport.LINE_ECHO)) {
            staleHandleScenario(echo.port());
        }
    }

    private static void staleHandleScenario(int port) {
        int h1 = Inet.connect("127.0.0.1", port, 30, 0);
        assertEquals(0, Inet.disconnect(h1));
        int h2 = Inet.connect("127.0.0.1", port, 30, 0);
        // a handle's low 16 bits are its slot, the next 15 the slot's generation (HandleTable)
        assertEquals(h1 & 0xFFFF, h2 & 0xFFFF, "the slot was reused, as SocketWrench may");
        assertNotEquals(h1, h2, "but the handle value differs in its generation bits");

        assertEquals(Inet.INET_ERROR, Inet.writeLine(h1, "must not reach h2"));
        assertLastError(InetError.INVALID_HANDLE);
        assertNull(Inet.readLine(h1));
        assertLastError(InetError.INVALID_HANDLE);
        assertFalse(Inet.isConnected(h1));
        assertLastError(InetError.INVALID_HANDLE);
        assertEquals(Inet.INET_ERROR, Inet.disconnect(h1));
        assertLastError(InetError.INVALID_HANDLE);

        assertTrue(Inet.isConnected(h2), "the stale handle never touched the new connection");
        assertEquals(2 + 4, Inet.writeLine(h2, "mine"));
        assertEquals("mine", Inet.readLine(h2), "and nothing else was written to it");
        assertEquals(0, Inet.disconnect(h2));
    }

    @Test
    void disconnectOfAServerHandleEndsClientsListenerAndThreads() throws Exception {
        Set<Integer> clientHandles = ConcurrentHashMap.newKeySet();
        CountDownLatch connected = new CountDownLatch(3);
        int server = Inet.serverStart("127.0.0.1", 0, 0, 0, 0, 0, (h, event, error) -> {
            if (event == Inet.INET_EVENT_CONNECT) {
                clientHandles.add(h);
                connected.countDown();
            }
        });
        int port = Inet.serverPort(server);
        int[] clients = new int[3];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = Inet.connect("127.0.0.1", port, 30, 0);
        }
        await(connected, "3 clients accepted");
        assertEquals(3, Inet.serverClientCount(server));

        assertEquals(0, Inet.disconnect(server));

        for (int h : clientHandles) {
            assertFalse(Inet.isConnected(h), "server-side client handles are invalid");
            assertLastError(InetError.INVALID_HANDLE);
        }
        assertEquals(Inet.INET_ERROR, Inet.serverClientCount(server));
        assertLastError(InetError.INVALID_HANDLE);
        assertEquals(Inet.INVALID_SOCKET, Inet.connect("127.0.0.1", port, 5, 0), "listening socket closed");
        assertLastError(InetError.CONNECTION_REFUSED);
        for (int c : clients) {
            assertNull(Inet.readLine(c), "every client was disconnected");
            assertLastError(InetError.NONE);
            assertEquals(0, Inet.disconnect(c));
        }
    }

    @Test
    void lastErrorIsPerThread() throws Exception {
        Inet.setLastError(InetError.TIMEOUT.code());
        CompletableFuture<Integer> other = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> other.complete(Inet.getLastError())).join();
        assertEquals(0, other.get());
        assertLastError(InetError.TIMEOUT);
        Inet.setLastError(424242);
        assertLastError(InetError.IO_ERROR);
    }

    @Test
    void asyncConnectAndEventsDeliverInetEventCodes() throws Exception {
        int server = echoServer();
        List<Integer> events = new CopyOnWriteArrayList<>();
        List<String> lines = new CopyOnWriteArrayList<>();
        CountDownLatch gotLine = new CountDownLatch(1);
        int[] self = new int[1];
        int h = Inet.asyncConnect("127.0.0.1", Inet.serverPort(server), 30, 0, Inet.INET_EVENT_MASK_ALL,
                (handle, event, error) -> {
                    events.add(event);
                    self[0] = handle;
                    if (event == Inet.INET_EVENT_CONNECT) {
                        Inet.writeLine(handle, "async");
                    } else if (event == Inet.INET_EVENT_READ) {
                        lines.add(Inet.readLine(handle));
                        gotLine.countDown();
                    }
                });
        assertNotEquals(Inet.INVALID_SOCKET, h);
        await(gotLine, "echo via events");
        assertEquals(h, self[0], "callbacks see the handle that asyncConnect returned");
        assertEquals(List.of("async"), lines);
        assertEquals(Inet.INET_EVENT_CONNECT, events.getFirst());
        assertEquals(0, Inet.disableEvents(h));
        int n = events.size();
        Inet.writeLine(h, "sync now");
        assertEquals("sync now", Inet.readLine(h));
        assertEquals(n, events.size(), "no callback after disableEvents returned");

        CountDownLatch read = new CountDownLatch(1);
        assertEquals(0, Inet.enableEvents(h, 1 << Inet.INET_EVENT_READ, (handle, event, error) -> {
            Inet.readLine(handle);
            read.countDown();
        }));
        Inet.writeLine(h, "events again");
        await(read, "READ after enableEvents");
        assertEquals(0, Inet.disconnect(h));
        assertEquals(0, Inet.disconnect(server));
    }

    @Test
    void isReadableWaitsOnlyAsLongAsAsked() {
        int server = Inet.serverStart("127.0.0.1", 0, 0, 0, 0, 0, (h, e, err) -> { });
        int client = Inet.connect("127.0.0.1", Inet.serverPort(server), 30, 0);
        assertFalse(Inet.isReadable(client, 100), "the server never sends");
        assertLastError(InetError.NONE);
        assertEquals(0, Inet.available(client));
        assertEquals(0, Inet.disconnect(client));
        assertEquals(0, Inet.disconnect(server));
    }

    @Test
    void isReadableReturnsInTimeWhileAnotherThreadIsBlockedInRead() throws Exception {
        int server = Inet.serverStart("127.0.0.1", 0, 0, 0, 0, 0, (h, e, err) -> { });
        int client = Inet.connect("127.0.0.1", Inet.serverPort(server), 0, 0); // no read timeout: blocks for ever
        FutureTask<Integer> read = new FutureTask<>(() -> Inet.read(client, new byte[1], 1));
        Thread reader = Thread.ofVirtual().name("blocked-reader").start(read);
        // a thread waiting in a socket read (nothing else can make this one wait) holds the read lock
        TestSupport.awaitCondition(() -> reader.getState() == Thread.State.WAITING, "the reader to block");
        assertFalse(TestSupport.returnsWithinDeadline("isReadable", () -> Inet.isReadable(client, 200)),
                "nothing was sent, and the blocked reader does not hold isReadable beyond its timeout");
        assertEquals(0, Inet.disconnect(client));
        assertEquals(Inet.INET_ERROR, read.get(TestSupport.DEADLINE.toMillis(), TimeUnit.MILLISECONDS),
                "the disconnect ended the blocked read");
        assertEquals(0, Inet.disconnect(server));
    }

    @Test
    void anEventProcedureWaitingToCallTheFacadeIsEndedByADisconnect() throws Exception {
        AtomicInteger clientHandle = new AtomicInteger(Inet.INVALID_SOCKET);
        AtomicReference<Thread> procThread = new AtomicReference<>();
        CompletableFuture<int[]> asyncResult = new CompletableFuture<>();
        int server = Inet.serverStart("127.0.0.1", 0, 0, 0, 0, 0, (h, e, err) -> {
            if (e == Inet.INET_EVENT_CONNECT) {
                clientHandle.set(h);
                procThread.set(Thread.currentThread());
                // never dials: it waits for the runtime lock until the disconnect below interrupts it
                int r = Inet.asyncConnect("127.0.0.1", 1, 5, 0, Inet.INET_EVENT_MASK_ALL, (h2, e2, err2) -> { });
                asyncResult.complete(new int[] {r, Inet.getLastError()});
            }
        });
        int port = Inet.serverPort(server);
        // hold the facade's runtime lock as uninitialize() does while it joins: the procedure's asyncConnect waits
        int disconnected = InetRuntime.locked(() -> {
            int client = Inet.connect("127.0.0.1", port, 30, 0);
            TestSupport.awaitCondition(() -> procThread.get() != null
                    && procThread.get().getState() == Thread.State.WAITING, "the procedure to wait for the lock");
            int r = Inet.disconnect(clientHandle.get()); // interrupts the procedure and joins it
            Inet.disconnect(client);
            return r;
        });
        assertEquals(0, disconnected, () -> "the procedure outlived the join: " + Inet.getErrorString(
                Inet.getLastError()));
        int[] r = asyncResult.get(TestSupport.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(Inet.INVALID_SOCKET, r[0]);
        assertEquals(InetError.OPERATION_CANCELED.code(), r[1]);
        assertEquals(0, Inet.disconnect(server));
    }

    @Test
    void serverManagementThroughTheFacade() throws Exception {
        int server = echoServer();
        assertEquals(0, Inet.serverSuspend(server));
        assertEquals(0, Inet.serverResume(server));
        assertEquals(0, Inet.serverThrottle(server, 10, 5, 0));
        assertEquals(Inet.INET_ERROR, Inet.serverThrottle(server, -1, 0, 0));
        assertLastError(InetError.INVALID_ARGUMENT);
        int client = Inet.connect("127.0.0.1", Inet.serverPort(server), 30, 0);
        Inet.writeLine(client, "x");
        assertEquals("x", Inet.readLine(client));
        byte[] msg = "to all\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(1, Inet.serverBroadcast(server, msg, msg.length));
        assertEquals("to all", Inet.readLine(client));
        assertEquals(1, Inet.serverStop(server, 0), "the echo client was blocked reading: forced, not graceful");
        assertEquals(Inet.INET_ERROR, Inet.serverResume(server));
        assertLastError(InetError.INVALID_HANDLE);
        assertNull(Inet.readLine(client));
        assertEquals(0, Inet.disconnect(client));
    }

    @Test
    void uninitializeInvalidatesEveryHandle() {
        int server = echoServer();
        int client = Inet.connect("127.0.0.1", Inet.serverPort(server), 30, 0);
        assertTrue(Inet.uninitialize());
        assertEquals(Inet.INET_ERROR, Inet.writeLine(client, "x"));
        assertLastError(InetError.INVALID_HANDLE);
        assertEquals(Inet.INVALID_SOCKET, Inet.connect("127.0.0.1", 80, 1, 0));
        assertLastError(InetError.NOT_INITIALIZED);
        assertTrue(Inet.initialize());
    }

    @Test
    void uninitializeReportsAnEventThreadThatOutlivedItsDisconnect() throws Exception {
        int server = echoServer();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Thread> callback = new AtomicReference<>();
        try {
            int h = Inet.asyncConnect("127.0.0.1", Inet.serverPort(server), 30, 0, Inet.INET_EVENT_MASK_ALL,
                    (handle, event, error) -> {
                        if (event == Inet.INET_EVENT_CONNECT) {
                            Inet.writeLine(handle, "wake me");
                        } else if (event == Inet.INET_EVENT_READ) {
                            callback.set(Thread.currentThread());
                            started.countDown();
                            while (release.getCount() > 0) { // ignores every interrupt
                                try {
                                    release.await();
                                } catch (InterruptedException stubborn) {
                                    // on purpose
                                }
                            }
                        }
                    });
            assertNotEquals(Inet.INVALID_SOCKET, h);
            await(started, "stubborn event procedure");
            assertEquals(Inet.INET_ERROR, Inet.disconnect(h));
            assertLastError(InetError.THREAD_NOT_TERMINATED);
            assertTrue(callback.get().isAlive());

            assertFalse(Inet.uninitialize(), "the events thread it started is still alive");
            assertLastError(InetError.THREAD_NOT_TERMINATED);
            assertTrue(callback.get().isAlive());
        } finally {
            release.countDown();
        }
        callback.get().join(TestSupport.DEADLINE);
    }
}
