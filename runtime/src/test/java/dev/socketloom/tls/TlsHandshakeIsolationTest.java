package dev.socketloom.tls;

import static dev.socketloom.testing.TestSupport.DEADLINE;
import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.awaitCondition;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.TlsOptions;
import dev.socketloom.testing.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * L13 handshake isolation: the server-side handshake runs on the client's own virtual thread, so peers that connect
 * and stall their handshake (send nothing, or a byte at a time) delay neither the acceptor nor other clients, and each
 * is closed at the handshake timeout, counted, and never handed to the handler.
 */
class TlsHandshakeIsolationTest {
    private static final TestPki PKI = TestPki.get();

    @Test
    void stalledHandshakesNeverDelayTheAcceptorOrOtherClients() throws Exception {
        int stalled = 100;
        int healthy = 20;
        AtomicInteger handlers = new AtomicInteger();
        TlsOptions tls = PKI.server.options(PKI).handshakeTimeout(Duration.ofMinutes(2)).build(); // they stay stalled
        List<Socket> stallers = new ArrayList<>();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(tls).build(), c -> {
                handlers.incrementAndGet();
                assertTrue(Thread.currentThread().isVirtual() && Thread.currentThread().getName()
                        .startsWith("socketloom-client-"), "handshake and handler run on the client's thread");
                LINE_ECHO.handle(c);
            });
            try {
                for (int i = 0; i < stalled; i++) {
                    stallers.add(new Socket(InetAddress.getLoopbackAddress(), s.port())); // TCP, then silence
                }
                awaitCondition(() -> s.clientCount() == stalled, "every stalled client to be accepted");
                ConnectOptions co = ConnectOptions.builder().tls(PKI.clientTls()).build();
                for (int i = 0; i < healthy; i++) {
                    try (Connection c = rt.connect("localhost", s.port(), co)) {
                        c.writeLine("healthy " + i);
                        assertEquals("healthy " + i, c.readLine());
                    }
                }
                assertEquals(healthy, handlers.get(), "only completed handshakes reach the handler");
                assertEquals(stalled, stallers.stream().filter(x -> !peerClosed(x)).count(),
                        "the stalled handshakes are all still pending: nobody waited for them");
                assertEquals(0, s.stats().tlsHandshakeFailures());
                s.disconnect(); // L2 with every stalled handshake in progress
                assertEquals(0, s.stats().tlsHandshakeFailures(), "a stop is not a handshake failure");
            } finally {
                for (Socket x : stallers) {
                    x.close();
                }
            }
        }
    }

    @Test
    void stalledHandshakesAreClosedAtTheHandshakeTimeoutAndCounted() throws Exception {
        int silent = 20;
        int dripping = 5;
        AtomicInteger handlers = new AtomicInteger();
        TlsOptions tls = PKI.server.options(PKI).handshakeTimeout(Duration.ofMillis(800)).build();
        List<Socket> peers = new ArrayList<>();
        List<Thread> drippers = new ArrayList<>();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(tls).build(), c -> handlers.incrementAndGet());
            try {
                for (int i = 0; i < silent + dripping; i++) {
                    peers.add(new Socket(InetAddress.getLoopbackAddress(), s.port()));
                }
                // the drippers send a plausible ClientHello start one byte every 100 ms: every read succeeds, so only
                // the deadline on the whole handshake can end them
                for (Socket d : peers.subList(silent, silent + dripping)) {
                    drippers.add(Thread.ofVirtual().start(() -> drip(d)));
                }
                awaitCondition(() -> s.stats().tlsHandshakeFailures() == silent + dripping,
                        "every stalled handshake to time out: " + s.stats());
                for (Socket p : peers) {
                    p.setSoTimeout((int) DEADLINE.toMillis());
                    assertTrue(peerClosed(p), "the server closed the stalled connection");
                }
                awaitCondition(() -> s.clientCount() == 0, "the timed-out clients to be gone");
                assertEquals(0, handlers.get(), "the handler never ran");
                assertEquals(0, s.stats().accepted());
            } finally {
                for (Socket p : peers) {
                    p.close();
                }
                for (Thread t : drippers) {
                    t.join(DEADLINE);
                }
            }
        }
    }

    private static void drip(Socket s) {
        byte[] start = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
        try {
            for (int i = 0; ; i++) {
                s.getOutputStream().write(start[i % start.length]);
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
        } catch (IOException closed) {
            // the server gave up on us, as it should
        }
    }

    /** Whether the server closed {@code s}: end of stream or a reset, as opposed to no data yet. */
    private static boolean peerClosed(Socket s) {
        try {
            if (s.getSoTimeout() == 0) {
                s.setSoTimeout(1);
            }
            InputStream in = s.getInputStream();
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
