package dev.socketloom.tls;

import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.testing.TestPki;
import org.junit.jupiter.api.Test;

/** Certificate rotation: {@code Server.reloadTls} serves new handshakes with the new certificate at once and drops nobody. */
class ReloadTlsTest {
    private static final TestPki PKI = TestPki.get();

    private static String peerSubject(Connection c) {
        return c.tlsInfo().orElseThrow().peerCertificates().get(0).subject();
    }

    @Test
    void newHandshakesUseTheNewCertificateWhileEstablishedConnectionsKeepTheirs() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(PKI.serverTls()).build(), LINE_ECHO);
            ConnectOptions co = ConnectOptions.builder().tls(PKI.clientTls()).build();
            Connection before = rt.connect("localhost", s.port(), co);
            assertEquals("CN=localhost", peerSubject(before));

            s.reloadTls(PKI.server2.options(PKI).build());

            try (Connection after = rt.connect("localhost", s.port(), co)) {
                assertEquals("CN=localhost rotated", peerSubject(after), "a new handshake gets the new certificate");
                after.writeLine("new");
                assertEquals("new", after.readLine());
            }
            before.writeLine("still here");
            assertEquals("still here", before.readLine(), "the established connection was not dropped");
            assertEquals("CN=localhost", peerSubject(before), "and keeps what it negotiated");
            before.disconnect();
            assertEquals(0, s.stats().tlsHandshakeFailures());
        }
    }

    @Test
    void reloadIsRefusedForPlainServersKeylessOptionsAndStoppedServers() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server plain = rt.startServer(loopback().build(), LINE_ECHO);
            assertInetError(InetError.OPERATION_NOT_SUPPORTED, () -> plain.reloadTls(PKI.serverTls()));
            Server tls = rt.startServer(loopback().tls(PKI.serverTls()).build(), LINE_ECHO);
            assertInetError(InetError.INVALID_ARGUMENT, () -> tls.reloadTls(PKI.clientTls()));
            tls.disconnect();
            assertInetError(InetError.SERVER_STOPPED, () -> tls.reloadTls(PKI.serverTls()));
        }
    }
}
