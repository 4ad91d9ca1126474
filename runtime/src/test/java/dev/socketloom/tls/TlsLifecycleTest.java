package dev.socketloom.tls;

import static dev.socketloom.testing.TestSupport.DEADLINE;
import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.await;
import static dev.socketloom.testing.TestSupport.awaitCondition;
import static dev.socketloom.testing.TestSupport.loopback;
import static dev.socketloom.testing.TestSupport.returnsWithinDeadline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.Event;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.StopResult;
import dev.socketloom.TlsOptions;
import dev.socketloom.testing.LeakCheckExtension;
import dev.socketloom.testing.TestPki;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * L1-L6 and L8-L10 for TLS connections, including the moments a plain connection does not have: a disconnect, stop
 * or runtime close while a handshake is in progress (the close that hung before JDK-8274524), on either side.
 */
class TlsLifecycleTest {
    private static final TestPki PKI = TestPki.get();

    private static ConnectOptions client() throws InetException {
        return ConnectOptions.builder().tls(PKI.clientTls()).build();
    }

    @Test
    void clientDisconnectClosesTheSocketJoinsTheEventThreadAndInvalidatesTheConnection() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        CountDownLatch connected = new CountDownLatch(1);
        AtomicReference<Thread> eventThread = new AtomicReference<>();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(PKI.serverTls()).build(), LINE_ECHO);
            Connection c = rt.connectAsync("localhost", s.port(), client(), (conn, e, err) -> {
                eventThread.set(Thread.currentThread());
                events.add(e);
                if (e == Event.CONNECT) {
                    connected.countDown();
                }
            });
            await(connected, "CONNECT after the TLS handshake");
            assertTrue(c.isSecure(), "CONNECT comes after the handshake");
            c.disconnect();
            assertFalse(eventThread.get().isAlive(), "L1: the event thread has been joined");
            assertFalse(c.isConnected());
            assertInetError(InetError.NOT_CONNECTED, () -> c.writeLine("x"));
            assertFalse(rt.connections().contains(c), "L1: gone from the runtime");
            int seen = events.size();
            c.disconnect(); // idempotent
            assertEquals(seen, events.size(), "L4: no event after disconnect returned");
        }
    }

    @Test
    void serverDisconnectDuringHandshakesJoinsEveryClientThreadNeverRunsTheHandlerAndFreesThePort() throws Exception {
        AtomicInteger handlers = new AtomicInteger();
        List<Socket> stalled = new ArrayList<>();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(PKI.serverTls()).build(), c -> handlers.incrementAndGet());
            try {
                for (int i = 0; i < 10; i++) {
                    stalled.add(new Socket(InetAddress.getLoopbackAddress(), s.port()));
                }
                awaitCondition(() -> s.clientCount() == 10, "10 handshakes in progress");
                int port = s.port();
                returnsWithinDeadline("server disconnect during handshakes", () -> {
                    s.disconnect();
                    return null;
                });
                assertEquals(0, s.clientCount(), "L2");
                assertEquals(0, handlers.get(), "L4/L13: no handler for a connection that never finished its handshake");
                assertEquals(0, s.stats().tlsHandshakeFailures(), "our own stop is not a handshake failure");
                assertEquals(List.of(), LeakCheckExtension.Snapshot.take().threads().values().stream()
                        .filter(n -> n.startsWith("socketloom-client-")).toList(), "L2: every client thread joined");
                try (ServerSocket again = new ServerSocket()) {
                    again.setReuseAddress(true);
                    again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                }
            } finally {
                for (Socket x : stalled) {
                    x.close();
                }
            }
        }
    }

    @Test
    void disconnectOfAServerSideConnectionDuringItsHandshakeEndsIt() throws Exception {
        AtomicInteger handlers = new AtomicInteger();
        try (SocketRuntime rt = SocketRuntime.open();
             Socket stalled = new Socket()) {
            Server s = rt.startServer(loopback().tls(PKI.serverTls()).build(), c -> handlers.incrementAndGet());
            stalled.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port()));
            awaitCondition(() -> s.clientCount() == 1, "the handshake to start");
            Connection handshaking = s.clients().get(0);
            assertFalse(handshaking.isConnected(), "a connection is not open before its handshake completed");
            assertInetError(InetError.NOT_CONNECTED, handshaking::readLine);
            handshaking.disconnect();
            assertEquals(0, s.clientCount(), "L1: gone from the server");
            stalled.setSoTimeout((int) DEADLINE.toMillis());
            assertEquals(-1, stalled.getInputStream().read(), "the peer sees the close");
            assertEquals(0, handlers.get());
        }
    }

    @Test
    void asyncClientDisconnectDuringItsHandshakeReturnsAndNoEventFollows() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        try (SocketRuntime rt = SocketRuntime.open();
             ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Connection c = rt.connectAsync("localhost", silent.getLocalPort(), client(), (conn, e, err) -> events.add(e));
            try (Socket accepted = silent.accept()) {
                accepted.setSoTimeout((int) DEADLINE.toMillis());
                assertTrue(accepted.getInputStream().read() >= 0, "the ClientHello arrives; the server never answers");
                returnsWithinDeadline("disconnect during the client's handshake", () -> {
                    c.disconnect();
                    return null;
                });
                assertTrue(events.isEmpty(), "L4: neither CONNECT nor ERROR after a disconnect: " + events);
                assertEquals(List.of(), LeakCheckExtension.Snapshot.take().threads().values().stream()
                        .filter(n -> n.startsWith("socketloom-events-")).toList(),
                        "L1: the connecting event thread has been joined");
            }
        }
    }

    @Test
    void runtimeCloseDuringAClientHandshakeEndsTheConnectWithNotInitialized() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            SocketRuntime rt = SocketRuntime.open();
            FutureTask<InetError> connecting = new FutureTask<>(() -> {
                try {
                    rt.connect("localhost", silent.getLocalPort(), client()).disconnect();
                    return InetError.NONE;
                } catch (InetException e) {
                    return e.error();
                }
            });
            Thread.ofVirtual().start(connecting);
            try (Socket accepted = silent.accept()) {
                accepted.getInputStream().read(); // the ClientHello: the handshake is in progress
                rt.close();
                assertEquals(InetError.NOT_INITIALIZED, connecting.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
                assertEquals(0, rt.liveThreadCount(), "L8");
            }
        }
    }

    @Test
    void gracefulStopLetsTlsHandlersFinishAndForcesTheRest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(PKI.serverTls()).build(), c -> {
                if ("work".equals(c.readLine())) {
                    release.await();
                    c.writeLine("done");
                } else {
                    LINE_ECHO.handle(c);
                }
            });
            Connection worker = rt.connect("localhost", s.port(), client());
            worker.writeLine("work");
            awaitCondition(() -> s.clientCount() == 1, "the working handler");
            FutureTask<StopResult> stopping = new FutureTask<>(() -> s.stop(DEADLINE));
            Thread.ofVirtual().start(stopping);
            awaitCondition(() -> !s.isRunning(), "the stop to close the listener and wait for the handler");
            release.countDown(); // the handler finishes during the grace period
            StopResult r = stopping.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(1, r.graceful(), "L3: the released handler finished on its own: " + r);
            assertEquals(0, r.forced(), r::toString);
            assertEquals("done", worker.readLine(), "the released handler finished over TLS");
            assertNull(worker.readLine(), "then close_notify: a clean end of stream");
            worker.disconnect();

            Server s2 = rt.startServer(loopback().tls(PKI.serverTls()).build(), LINE_ECHO);
            Connection idle = rt.connect("localhost", s2.port(), client());
            idle.writeLine("idle");
            assertEquals("idle", idle.readLine());
            StopResult forced = s2.stop(Duration.ZERO);
            assertEquals(1, forced.forced(), "L3: an idle handler is forced: " + forced);
            assertNull(idle.readLine(), "the forced client reads the end of the stream");
            idle.disconnect();
        }
    }

    @Test
    void selfDisconnectFromATlsHandlerNeverDeadlocks() throws Exception {
        AtomicReference<String> result = new AtomicReference<>();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(PKI.serverTls()).build(), c -> {
                c.readLine();
                c.disconnect(); // L5
                result.set(c.isConnected() ? "still connected" : "ok");
            });
            try (Connection c = rt.connect("localhost", s.port(), client())) {
                c.writeLine("please leave");
                assertNull(c.readLine(), "the handler's close_notify ends the stream");
            }
            awaitCondition(() -> result.get() != null, "the handler to return");
            assertEquals("ok", result.get());
        }
    }

    @Test
    void stubbornTlsHandlerIsReportedAfterTheJoinDeadlineWithTheSocketClosed() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(PKI.serverTls()).joinDeadline(Duration.ofMillis(300)).build(),
                    c -> {
                        inHandler.countDown();
                        while (release.getCount() > 0) {
                            try {
                                release.await();
                            } catch (InterruptedException ignored) {
                                // L6: this handler ignores its interrupt
                            }
                        }
                    });
            try (Connection c = rt.connect("localhost", s.port(), client())) {
                await(inHandler, "the handler");
                InetException e = assertInetError(InetError.THREAD_NOT_TERMINATED, s::disconnect);
                assertEquals(1, e.stragglers().size(), e::toString);
                assertNull(c.readLine(), "L6: the socket is closed all the same (close_notify, then end of stream)");
            } finally {
                release.countDown();
            }
        }
    }
}
