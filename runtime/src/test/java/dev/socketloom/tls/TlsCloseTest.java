package dev.socketloom.tls;

import static dev.socketloom.testing.TestSupport.DEADLINE;
import static dev.socketloom.testing.TestSupport.await;
import static dev.socketloom.testing.TestSupport.loopback;
import static dev.socketloom.testing.TestSupport.returnsWithinDeadline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.TlsOptions;
import dev.socketloom.testing.EnginePeer;
import dev.socketloom.testing.EnginePeer.Ending;
import dev.socketloom.testing.TestPki;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * L13's close: a graceful disconnect of a TLS connection sends close_notify, {@code abort()} sends a reset without it,
 * and no close blocks past the join deadline in the situations where the JDK's {@code SSLSocket.close()} hangs, each
 * run on this JDK with virtual threads: a writer blocked on a full send buffer (JDK-8241239, JDK-8309305), a full send
 * buffer with no writer ({@code dev.socketloom.internal.tls.TlsLayerCloseTest}, which can fill a buffer exactly), a reader
 * blocked waiting for data (JDK-8258753). Closes during the handshake (JDK-8274524) are in {@link TlsLifecycleTest}.
 * The peer is an {@link EnginePeer}, which sees what is on the wire.
 */
class TlsCloseTest {
    private static final TestPki PKI = TestPki.get();
    private static final Duration JOIN = Duration.ofSeconds(3);

    /** A client connection of {@code rt} to an {@link EnginePeer} server, both handshakes done. */
    private static Connection clientTo(SocketRuntime rt, ServerSocket listener, AtomicReference<EnginePeer> peer,
                                       String protocol) throws Exception {
        FutureTask<EnginePeer> accept = new FutureTask<>(() -> {
            EnginePeer p = new EnginePeer(listener.accept(), PKI.serverTls().sslContext(), false, protocol);
            p.handshake(DEADLINE);
            return p;
        });
        Thread.ofVirtual().start(accept);
        Connection c = rt.connect("localhost", listener.getLocalPort(), ConnectOptions.builder()
                .tls(TlsOptions.builder().trustPem(PKI.caFile).protocols(protocol).build()).joinDeadline(JOIN)
                .build());
        peer.set(accept.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        return c;
    }

    private static ServerSocket listener() throws Exception {
        return new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void gracefulDisconnectSendsCloseNotify(String protocol) throws Exception {
        AtomicReference<EnginePeer> peer = new AtomicReference<>();
        try (SocketRuntime rt = SocketRuntime.open(); ServerSocket ls = listener()) {
            Connection c = clientTo(rt, ls, peer, protocol);
            c.writeLine("bye");
            assertEquals("bye\r\n", new String(peer.get().read(5)));
            c.disconnect();
            assertEquals(Ending.CLOSE_NOTIFY, peer.get().awaitEnd(DEADLINE));
        } finally {
            if (peer.get() != null) {
                peer.get().close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void abortSendsResetWithoutCloseNotify(String protocol) throws Exception {
        AtomicReference<EnginePeer> peer = new AtomicReference<>();
        try (SocketRuntime rt = SocketRuntime.open(); ServerSocket ls = listener()) {
            Connection c = clientTo(rt, ls, peer, protocol);
            c.abort();
            assertEquals(Ending.RESET, peer.get().awaitEnd(DEADLINE));
        } finally {
            if (peer.get() != null) {
                peer.get().close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void serverSideDisconnectDuringABlockedReadSendsCloseNotifyAndJoinsTheHandler(String protocol) throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        AtomicReference<Thread> handler = new AtomicReference<>();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(PKI.server.options(PKI).protocols(protocol).build())
                    .joinDeadline(JOIN).build(), c -> {
                        handler.set(Thread.currentThread());
                        reading.countDown();
                        c.readLine(); // blocked until the disconnect
                    });
            try (EnginePeer peer = new EnginePeer(new Socket(InetAddress.getLoopbackAddress(), s.port()),
                    PKI.clientTls().sslContext(), true, protocol)) {
                peer.handshake(DEADLINE);
                await(reading, "the handler to block in read");
                Connection serverSide = s.clients().get(0);
                returnsWithinDeadline("server-side disconnect", () -> {
                    serverSide.disconnect();
                    return null;
                });
                assertFalse(handler.get().isAlive(), "L1: the handler has been joined");
                assertEquals(Ending.CLOSE_NOTIFY, peer.awaitEnd(DEADLINE));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void disconnectNeverWaitsForAWriterBlockedOnAFullSendBuffer(String protocol) throws Exception {
        // JDK-8241239 / JDK-8309305: SSLSocket.close() waits for ever for the record lock such a writer holds
        CountDownLatch writing = new CountDownLatch(1);
        AtomicReference<Thread> handler = new AtomicReference<>();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(PKI.server.options(PKI).protocols(protocol).build())
                    .joinDeadline(JOIN).build(), c -> {
                        handler.set(Thread.currentThread());
                        byte[] chunk = new byte[64 * 1024];
                        writing.countDown();
                        while (true) {
                            c.write(chunk); // the peer never reads: this blocks for good
                        }
                    });
            try (EnginePeer peer = new EnginePeer(new Socket(InetAddress.getLoopbackAddress(), s.port()),
                    PKI.clientTls().sslContext(), true, protocol)) {
                peer.handshake(DEADLINE);
                await(writing, "the handler to write");
                awaitBlockedWriter(handler.get());
                Connection serverSide = s.clients().get(0);
                returnsWithinDeadline("disconnect behind a blocked writer", () -> {
                    serverSide.disconnect();
                    return null;
                });
                assertFalse(handler.get().isAlive(), "L1: the writing handler has been joined");
                assertFalse(serverSide.isConnected());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void serverDisconnectNeverWaitsForWritersBlockedOnFullSendBuffers(String protocol) throws Exception {
        int clients = 3;
        CountDownLatch writing = new CountDownLatch(clients);
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(PKI.server.options(PKI).protocols(protocol).build())
                    .joinDeadline(JOIN).build(), c -> {
                        byte[] chunk = new byte[64 * 1024];
                        writing.countDown();
                        while (true) {
                            c.write(chunk);
                        }
                    });
            EnginePeer[] peers = new EnginePeer[clients];
            try {
                for (int i = 0; i < clients; i++) {
                    peers[i] = new EnginePeer(new Socket(InetAddress.getLoopbackAddress(), s.port()),
                            PKI.clientTls().sslContext(), true, protocol);
                    peers[i].handshake(DEADLINE);
                }
                await(writing, "every handler to write");
                returnsWithinDeadline("server disconnect behind blocked writers", () -> {
                    s.disconnect(); // throws THREAD_NOT_TERMINATED if any handler outlived the join deadline
                    return null;
                });
                assertEquals(0, s.clientCount());
            } finally {
                for (EnginePeer p : peers) {
                    if (p != null) {
                        p.close();
                    }
                }
            }
        }
    }

    /** Waits until {@code t} is parked (in the socket write), which has no event of its own. */
    private static void awaitBlockedWriter(Thread t) {
        dev.socketloom.testing.TestSupport.awaitCondition(() -> t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING, "the writer to block on the full send buffer");
    }
}
