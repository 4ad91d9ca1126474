package dev.socketloom.tls;

import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.awaitCondition;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.TlsOptions;
import dev.socketloom.testing.TestPki;
import dev.socketloom.testing.TestPki.Identity;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * L13 and L10 for failed handshakes: every way a handshake fails ends in an {@link InetException} with its stable
 * {@link InetError} and the JDK's reason as the cause, on the client; on the server it is counted in
 * {@code stats().tlsHandshakeFailures()} and the handler never runs. Nothing leaks (the leak check runs after each).
 */
class TlsHandshakeErrorsTest {
    private static final TestPki PKI = TestPki.get();
    private SocketRuntime rt;
    private final AtomicInteger handlerRuns = new AtomicInteger();

    @BeforeEach
    void open() {
        rt = SocketRuntime.open();
    }

    @AfterEach
    void close() throws Exception {
        rt.close();
    }

    private Server tlsServer(TlsOptions tls) throws Exception {
        return rt.startServer(loopback().tls(tls).build(), c -> {
            handlerRuns.incrementAndGet();
            LINE_ECHO.handle(c);
        });
    }

    private InetException connectFails(Server s, String host, TlsOptions client, InetError expected) {
        InetException e = assertThrows(InetException.class,
                () -> rt.connect(host, s.port(), ConnectOptions.builder().tls(client).build()));
        assertEquals(expected, e.error(), () -> "unexpected: " + e);
        assertNotNull(e.getCause(), "the JDK's reason is the cause: " + e);
        assertTrue(e.getMessage().contains(e.getCause().getMessage()), "and in the message: " + e.getMessage());
        assertTrue(rt.connections().isEmpty() || rt.connections().stream().allMatch(c -> c.remoteAddress()
                .getPort() != s.port()), "the failed client connection is not registered");
        return e;
    }

    private void serverCountedFailureAndNeverRanTheHandler(Server s, long failures) {
        awaitCondition(() -> s.stats().tlsHandshakeFailures() == failures && s.clientCount() == 0,
                "the server to count " + failures + " failed handshake(s): " + s.stats());
        assertEquals(0, handlerRuns.get(), "the handler never runs for a failed handshake");
        assertEquals(0, s.stats().accepted(), "a failed handshake is not an accepted client");
    }

    @Test
    void untrustedServerCertificateIsCertificateInvalid() throws Exception {
        Server s = tlsServer(PKI.untrusted.options(PKI).build());
        connectFails(s, "localhost", PKI.clientTls(), InetError.CERTIFICATE_INVALID);
        serverCountedFailureAndNeverRanTheHandler(s, 1);
    }

    @Test
    void expiredServerCertificateIsCertificateInvalid() throws Exception {
        Server s = tlsServer(PKI.expired.options(PKI).build());
        connectFails(s, "localhost", PKI.clientTls(), InetError.CERTIFICATE_INVALID);
        serverCountedFailureAndNeverRanTheHandler(s, 1);
    }

    @Test
    void certificateForAnotherHostIsHostNameMismatch() throws Exception {
        Server s = tlsServer(PKI.wrongHost.options(PKI).build());
        connectFails(s, "localhost", PKI.clientTls(), InetError.HOST_NAME_MISMATCH);
        connectFails(s, "127.0.0.1", PKI.clientTls(), InetError.HOST_NAME_MISMATCH);
        serverCountedFailureAndNeverRanTheHandler(s, 2);
    }

    @Test
    void hostNameIsVerifiedByDefaultAndOnlyAnExplicitOptionSkipsIt() throws Exception {
        Server s = tlsServer(PKI.wrongHost.options(PKI).build());
        TlsOptions lenient = TlsOptions.builder().trustPem(PKI.caFile).verifyHostName(false).build();
        try (Connection c = rt.connect("localhost", s.port(), ConnectOptions.builder().tls(lenient).build())) {
            c.writeLine("ok");
            assertEquals("ok", c.readLine());
        }
        TlsOptions trustAll = TlsOptions.builder().trustAll().build();
        Server untrusted = tlsServer(PKI.untrusted.options(PKI).build());
        try (Connection c = rt.connect("localhost", untrusted.port(), ConnectOptions.builder().tls(trustAll)
                .build())) {
            c.writeLine("ok");
            assertEquals("ok", c.readLine());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void missingRequiredClientCertificateIsCertificateRequired(String protocol) throws Exception {
        Server s = tlsServer(PKI.server.options(PKI).clientAuth(TlsOptions.ClientAuth.REQUIRED).build());
        TlsOptions client = TlsOptions.builder().trustPem(PKI.caFile).protocols(protocol).build();
        if (protocol.equals("TLSv1.3")) {
            // TLS 1.3 clients finish their side before the server checks: the failure shows on the first read
            Connection c = rt.connect("localhost", s.port(), ConnectOptions.builder().tls(client).build());
            c.writeLine("hello?");
            InetException e = assertThrows(InetException.class, c::readLine);
            assertEquals(InetError.CERTIFICATE_REQUIRED, e.error(), () -> "unexpected: " + e);
            c.disconnect();
        } else {
            connectFails(s, "localhost", client, InetError.CERTIFICATE_REQUIRED);
        }
        serverCountedFailureAndNeverRanTheHandler(s, 1);
    }

    @Test
    void optionalClientAuthAcceptsClientsWithAndWithoutCertificates() throws Exception {
        Server s = tlsServer(PKI.server.options(PKI).clientAuth(TlsOptions.ClientAuth.OPTIONAL).build());
        for (TlsOptions client : new TlsOptions[] {PKI.clientTls(), PKI.client.options(PKI).build()}) {
            try (Connection c = rt.connect("localhost", s.port(), ConnectOptions.builder().tls(client).build())) {
                c.writeLine("ok");
                assertEquals("ok", c.readLine());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void expiredClientCertificateIsCertificateInvalid(String protocol) throws Exception {
        Server s = tlsServer(PKI.server.options(PKI).clientAuth(TlsOptions.ClientAuth.REQUIRED).build());
        TlsOptions client = PKI.expired.options(PKI).protocols(protocol).build();
        if (protocol.equals("TLSv1.3")) { // the server's verdict arrives after the client's handshake: on first read
            Connection c = rt.connect("localhost", s.port(), ConnectOptions.builder().tls(client).build());
            c.writeLine("hello?");
            InetException e = assertThrows(InetException.class, c::readLine);
            assertEquals(InetError.CERTIFICATE_INVALID, e.error(), () -> "unexpected: " + e);
            c.disconnect();
        } else {
            connectFails(s, "localhost", client, InetError.CERTIFICATE_INVALID);
        }
        serverCountedFailureAndNeverRanTheHandler(s, 1);
    }

    @Test
    void clientCertificateFromAnotherCaIsNotOfferedSoItIsCertificateRequired() throws Exception {
        Server s = tlsServer(PKI.server.options(PKI).clientAuth(TlsOptions.ClientAuth.REQUIRED).build());
        Identity stranger = PKI.untrusted; // the server names the CAs it accepts; the client has none of theirs
        TlsOptions client = TlsOptions.builder().keyMaterial(stranger.certFile(), stranger.keyFile())
                .trustPem(PKI.caFile).protocols("TLSv1.2").build();
        connectFails(s, "localhost", client, InetError.CERTIFICATE_REQUIRED);
        serverCountedFailureAndNeverRanTheHandler(s, 1);
    }

    @Test
    void noCommonProtocolIsTlsHandshakeFailed() throws Exception {
        Server s = tlsServer(PKI.server.options(PKI).protocols("TLSv1.3").build());
        connectFails(s, "localhost", TlsOptions.builder().trustPem(PKI.caFile).protocols("TLSv1.2").build(),
                InetError.TLS_HANDSHAKE_FAILED);
        serverCountedFailureAndNeverRanTheHandler(s, 1);
    }

    @Test
    void noCommonCipherSuiteIsTlsHandshakeFailed() throws Exception {
        Server s = tlsServer(PKI.server.options(PKI).protocols("TLSv1.2")
                .cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384").build());
        connectFails(s, "localhost", TlsOptions.builder().trustPem(PKI.caFile).protocols("TLSv1.2")
                .cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256").build(), InetError.TLS_HANDSHAKE_FAILED);
        serverCountedFailureAndNeverRanTheHandler(s, 1);
    }

    @Test
    void noCommonAlpnProtocolIsTlsHandshakeFailed() throws Exception {
        Server s = tlsServer(PKI.server.options(PKI).applicationProtocols("h2").build());
        connectFails(s, "localhost", TlsOptions.builder().trustPem(PKI.caFile).applicationProtocols("imap").build(),
                InetError.TLS_HANDSHAKE_FAILED);
        serverCountedFailureAndNeverRanTheHandler(s, 1);
    }

    @Test
    void plaintextClientOnTlsPortFailsTheServerHandshakeAndNeverReachesTheHandler() throws Exception {
        Server s = tlsServer(PKI.serverTls());
        try (Connection plain = rt.connect("127.0.0.1", s.port())) {
            plain.writeLine("HELO plaintext");
            try {
                while (plain.readLine() != null) {
                    // the server's TLS alert, if any, then the end of the stream
                }
            } catch (InetException e) {
                assertTrue(e.error() == InetError.CONNECTION_RESET || e.error() == InetError.LINE_TOO_LONG, e::toString);
            }
        }
        serverCountedFailureAndNeverRanTheHandler(s, 1);
    }

    @Test
    void tlsClientOnPlaintextPortIsTlsHandshakeFailed() throws Exception {
        Server plain = rt.startServer(loopback().build(), c -> {
            c.writeLine("220 plaintext greeting"); // what an SMTP server says first
            LINE_ECHO.handle(c);
        });
        InetException e = assertThrows(InetException.class, () -> rt.connect("localhost", plain.port(),
                ConnectOptions.builder().tls(PKI.clientTls()).build()));
        assertEquals(InetError.TLS_HANDSHAKE_FAILED, e.error(), e::toString);
        assertNotNull(e.getCause());
    }

    @Test
    void asyncConnectReportsTheHandshakeFailureAsAnErrorEvent() throws Exception {
        Server s = tlsServer(PKI.wrongHost.options(PKI).build());
        java.util.concurrent.BlockingQueue<Object> events = new java.util.concurrent.LinkedBlockingQueue<>();
        Connection c = rt.connectAsync("localhost", s.port(), ConnectOptions.builder().tls(PKI.clientTls()).build(),
                (conn, event, error) -> events.add(error != null ? error.error() : event));
        assertEquals(InetError.HOST_NAME_MISMATCH, events.poll(30, java.util.concurrent.TimeUnit.SECONDS));
        awaitCondition(() -> !c.isConnected() && !c.eventsEnabled(), "the async connection to end");
        assertFalse(c.isSecure());
        c.disconnect();
    }

    @Test
    void handshakeTimeoutOfAClientAgainstASilentServerIsTimeout() throws Exception {
        Server silent = rt.startServer(loopback().build(), c -> new java.util.concurrent.CountDownLatch(1).await()); // never answers
        TlsOptions quick = TlsOptions.builder().trustPem(PKI.caFile).handshakeTimeout(Duration.ofMillis(300)).build();
        InetException e = assertThrows(InetException.class, () -> rt.connect("localhost", silent.port(),
                ConnectOptions.builder().tls(quick).build()));
        assertEquals(InetError.TIMEOUT, e.error(), e::toString);
    }
}
