package dev.socketloom.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.inet.Inet;
import dev.socketloom.InetError;
import dev.socketloom.TlsOptions;
import dev.socketloom.testing.TestPki;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import dev.socketloom.testing.InetSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The facade's TLS: {@code INET_OPTION_SECURE} on connect, asyncConnect and serverStart (with credentials, as
 * SocketWrench's {@code lpCredentials}), and {@code INET_OPTION_TRUSTEDSITE}; TLS failures are last errors.
 */
@ExtendWith(InetSession.class)
class InetTlsTest {
    private static final TestPki PKI = TestPki.get();
    private static int secureServer(TlsOptions credentials) {
        int server = Inet.serverStart("127.0.0.1", 0, 0, 0, 0, Inet.INET_OPTION_SECURE, credentials,
                InetSession.LINE_ECHO);
        assertNotEquals(Inet.INVALID_SOCKET, server, () -> Inet.getErrorString(Inet.getLastError()));
        return server;
    }

    private static void assertLastError(InetError expected) {
        assertEquals(expected.code(), Inet.getLastError(), () -> Inet.getErrorString(Inet.getLastError()));
    }

    @Test
    void secureServerWithACertificateAndSecureClientsEcho() throws Exception {
        int server = secureServer(PKI.serverTls());
        int port = Inet.serverPort(server);
        int trusted = Inet.connect("localhost", port, 30, Inet.INET_OPTION_SECURE, PKI.clientTls());
        assertNotEquals(Inet.INVALID_SOCKET, trusted, () -> Inet.getErrorString(Inet.getLastError()));
        assertTrue(Inet.writeLine(trusted, "over tls") > 0);
        assertEquals("over tls", Inet.readLine(trusted));
        assertEquals(0, Inet.disconnect(trusted));

        int trustedSite = Inet.connect("localhost", port, 30, Inet.INET_OPTION_SECURE | Inet.INET_OPTION_TRUSTEDSITE);
        assertNotEquals(Inet.INVALID_SOCKET, trustedSite, () -> Inet.getErrorString(Inet.getLastError()));
        assertTrue(Inet.writeLine(trustedSite, "trusted site") > 0);
        assertEquals("trusted site", Inet.readLine(trustedSite));
        assertEquals(0, Inet.disconnect(trustedSite));
        assertEquals(0, Inet.disconnect(server));
    }

    @Test
    void secureClientsVerifyByDefaultAndTlsFailuresAreLastErrors() throws Exception {
        int server = secureServer(PKI.serverTls());
        int port = Inet.serverPort(server);
        assertEquals(Inet.INVALID_SOCKET, Inet.connect("localhost", port, 30, Inet.INET_OPTION_SECURE),
                "the JDK's default trust does not know the test CA");
        assertLastError(InetError.CERTIFICATE_INVALID);
        int wrongHost = secureServer(PKI.wrongHost.options(PKI).build());
        assertEquals(Inet.INVALID_SOCKET, Inet.connect("localhost", Inet.serverPort(wrongHost), 30,
                Inet.INET_OPTION_SECURE, PKI.clientTls()));
        assertLastError(InetError.HOST_NAME_MISMATCH);
        assertEquals(Inet.INVALID_SOCKET, Inet.connect("localhost", port, 30, Inet.INET_OPTION_NONE,
                PKI.clientTls()), "credentials without INET_OPTION_SECURE");
        assertLastError(InetError.INVALID_ARGUMENT);
        assertEquals(Inet.INVALID_SOCKET,
                Inet.serverStart("127.0.0.1", 0, 0, 0, 0, Inet.INET_OPTION_SECURE, InetSession.LINE_ECHO),
                "a secure server needs a certificate");
        assertLastError(InetError.INVALID_ARGUMENT);
        assertEquals(0, Inet.disconnect(server));
        assertEquals(0, Inet.disconnect(wrongHost));
    }

    @Test
    void secureAsyncConnectDeliversConnectAfterTheHandshake() throws Exception {
        int server = secureServer(PKI.serverTls());
        List<Integer> events = new CopyOnWriteArrayList<>();
        CountDownLatch echoed = new CountDownLatch(1);
        int h = Inet.asyncConnect("localhost", Inet.serverPort(server), 30,
                Inet.INET_OPTION_SECURE | Inet.INET_OPTION_TRUSTEDSITE, Inet.INET_EVENT_MASK_ALL, (handle, e, err) -> {
                    events.add(e);
                    if (e == Inet.INET_EVENT_CONNECT) {
                        Inet.writeLine(handle, "async tls");
                    } else if (e == Inet.INET_EVENT_READ && "async tls".equals(Inet.readLine(handle))) {
                        echoed.countDown();
                    }
                });
        assertNotEquals(Inet.INVALID_SOCKET, h);
        assertTrue(echoed.await(30, TimeUnit.SECONDS), "events: " + events);
        assertEquals(Inet.INET_EVENT_CONNECT, events.get(0));
        assertEquals(0, Inet.disconnect(h));
        assertEquals(0, Inet.disconnect(server));
    }
}
