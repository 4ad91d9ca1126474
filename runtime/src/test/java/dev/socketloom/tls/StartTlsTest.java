package dev.socketloom.tls;

import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.awaitCondition;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.TlsOptions;
import dev.socketloom.testing.TestPki;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Explicit TLS: {@code Connection.startTls} upgrades a plain connection in place after a protocol exchange (STARTTLS
 * as in SMTP), on either side, with the same errors and lifecycle as implicit TLS.
 */
class StartTlsTest {
    private static final TestPki PKI = TestPki.get();

    /** A tiny SMTP-like server: greets, answers STARTTLS with 220, upgrades, then echoes lines. */
    private static Server smtpLike(SocketRuntime rt, TlsOptions tls, AtomicReference<Throwable> failure)
            throws Exception {
        return rt.startServer(loopback().build(), c -> {
            try {
                c.writeLine("220 ready");
                String line;
                while ((line = c.readLine()) != null) {
                    if (line.equals("STARTTLS")) {
                        c.writeLine("220 go ahead");
                        c.startTls(tls);
                        c.writeLine("250 secure " + c.tlsInfo().orElseThrow().protocol());
                    } else {
                        c.writeLine(line);
                    }
                }
            } catch (InetException e) {
                failure.set(e);
                throw e;
            }
        });
    }

    @Test
    void bothSidesUpgradeInPlaceAfterTheProtocolAgreedOnIt() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = smtpLike(rt, PKI.serverTls(), failure);
            try (Connection c = rt.connect("localhost", s.port())) {
                assertEquals("220 ready", c.readLine());
                c.writeLine("plain line");
                assertEquals("plain line", c.readLine());
                assertFalse(c.isSecure());
                c.writeLine("STARTTLS");
                assertEquals("220 go ahead", c.readLine());
                c.startTls(PKI.clientTls());
                assertTrue(c.isSecure());
                assertEquals("250 secure TLSv1.3", c.readLine());
                c.writeLine("secret");
                assertEquals("secret", c.readLine());
                assertEquals("CN=localhost", c.tlsInfo().orElseThrow().peerCertificates().get(0).subject());
            }
            awaitCondition(() -> s.clientCount() == 0, "the server side to end");
            assertNull(failure.get());
        }
    }

    @Test
    void clientHelloSentRightAfterTheCommandIsHandedToTheServerTlsLayer() throws Exception {
        // the client pipelines: its handshake bytes arrive together with STARTTLS and sit in the server's read buffer
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().build(), c -> {
                try {
                    String cmd = c.readLine();
                    if ("STARTTLS".equals(cmd)) {
                        awaitCondition(() -> c.available() > 0, "the ClientHello to arrive behind the command");
                        c.startTls(PKI.serverTls());
                        c.writeLine("secure");
                    }
                } catch (InetException e) {
                    failure.set(e);
                }
            });
            try (Connection c = rt.connect("localhost", s.port())) {
                c.writeLine("STARTTLS");
                c.startTls(PKI.clientTls()); // no go-ahead awaited: the ClientHello follows the command at once
                assertEquals("secure", c.readLine());
            }
            assertNull(failure.get());
        }
    }

    @Test
    void plaintextInjectedAfterTheGoAheadIsRefusedByTheClient() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().build(), c -> {
                c.readLine();
                c.writeLine("220 go ahead");
                c.writeLine("250 injected"); // a man in the middle's plaintext, sent before the handshake
                c.readLine();
            });
            try (Connection c = rt.connect("localhost", s.port())) {
                c.writeLine("STARTTLS");
                assertEquals("220 go ahead", c.readLine());
                awaitCondition(() -> c.available() > 0, "the injected line");
                assertInetError(InetError.TLS_HANDSHAKE_FAILED, () -> c.startTls(PKI.clientTls()));
                assertFalse(c.isConnected(), "the connection is closed");
            }
        }
    }

    @Test
    void startTlsFailuresCarryTheTlsErrorsAndCloseTheConnection() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = smtpLike(rt, PKI.wrongHost.options(PKI).build(), failure);
            try (Connection c = rt.connect("localhost", s.port())) {
                c.readLine();
                c.writeLine("STARTTLS");
                c.readLine();
                assertInetError(InetError.HOST_NAME_MISMATCH, () -> c.startTls(PKI.clientTls()));
                assertFalse(c.isConnected());
                assertInetError(InetError.NOT_CONNECTED, () -> c.writeLine("x"));
            }
            awaitCondition(() -> s.clientCount() == 0, "the server side to end");
        }
    }

    @Test
    void startTlsRefusesASecureConnectionAndServerSidesWithoutKeys() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            AtomicReference<InetException> serverSide = new AtomicReference<>();
            Server s = rt.startServer(loopback().tls(PKI.serverTls()).build(), c -> {
                try {
                    c.startTls(PKI.clientTls()); // no key material for a server side
                } catch (InetException e) {
                    serverSide.set(e);
                }
                c.startTls(PKI.serverTls()); // already secure
            });
            try (Connection c = rt.connect("localhost", s.port(), ConnectOptions.builder().tls(PKI.clientTls())
                    .build())) {
                assertInetError(InetError.INVALID_ARGUMENT, () -> c.startTls(PKI.clientTls()));
                assertNull(c.readLine(), "the handler failed and the connection ended");
            }
            awaitCondition(() -> serverSide.get() != null, "the handler");
            assertEquals(InetError.INVALID_ARGUMENT, serverSide.get().error());
            awaitCondition(() -> s.stats().handlerFailures() == 1, "the handler failure to be counted");
        }
    }

    @Test
    void aFailedServerSideStartTlsIsCountedInTlsHandshakeFailures() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().build(), c -> {
                if ("STARTTLS".equals(c.readLine())) {
                    c.startTls(PKI.serverTls()); // the client sends no ClientHello: this fails and disconnects
                }
            });
            try (Connection c = rt.connect("localhost", s.port())) {
                c.writeLine("STARTTLS");
                c.writeLine("this is not a TLS ClientHello");
                awaitCondition(() -> s.stats().tlsHandshakeFailures() == 1, "the failed upgrade to be counted");
            }
            awaitCondition(() -> s.clientCount() == 0, "the server side to end");
            assertEquals(1, s.stats().tlsHandshakeFailures());
        }
    }
}
