package dev.socketloom.tls;

import static dev.socketloom.testing.TestSupport.DEADLINE;
import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.testing.EnginePeer;
import dev.socketloom.testing.TestPki;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** L10 over TLS: timeouts (also in the middle of a TLS record), resets, half-closes and over-long lines. */
class TlsErrorsNotHangsTest {
    private static final TestPki PKI = TestPki.get();

    private static EnginePeer acceptPeer(ServerSocket ls, Connection[] client, SocketRuntime rt, ConnectOptions co)
            throws Exception {
        FutureTask<EnginePeer> accept = new FutureTask<>(() -> {
            EnginePeer p = new EnginePeer(ls.accept(), PKI.serverTls().sslContext(), false, "TLSv1.3");
            p.handshake(DEADLINE);
            return p;
        });
        Thread.ofVirtual().start(accept);
        client[0] = rt.connect("localhost", ls.getLocalPort(), co);
        return accept.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void readTimeoutInTheMiddleOfATlsRecordKeepsTheStreamIntact() throws Exception {
        ConnectOptions co = ConnectOptions.builder().tls(PKI.clientTls()).readTimeout(Duration.ofMillis(200)).build();
        Connection[] c = new Connection[1];
        try (SocketRuntime rt = SocketRuntime.open();
             ServerSocket ls = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             EnginePeer peer = acceptPeer(ls, c, rt, co)) {
            assertInetError(InetError.TIMEOUT, c[0]::readLine); // nothing sent yet
            byte[] rest = peer.writePartial("split across a timeout\r\n".getBytes(StandardCharsets.UTF_8), 9);
            assertInetError(InetError.TIMEOUT, c[0]::readLine); // half a record arrived, then nothing
            peer.writeRaw(rest);
            assertEquals("split across a timeout", c[0].readLine(), "the half record was kept, not lost");
            c[0].disconnect();
        }
    }

    @Test
    void peerResetIsConnectionReset() throws Exception {
        Connection[] c = new Connection[1];
        try (SocketRuntime rt = SocketRuntime.open();
             ServerSocket ls = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            EnginePeer peer = acceptPeer(ls, c, rt, ConnectOptions.builder().tls(PKI.clientTls()).build());
            peer.socket().setSoLinger(true, 0);
            peer.close();
            assertInetError(InetError.CONNECTION_RESET, c[0]::readLine);
            c[0].disconnect();
        }
    }

    @Test
    void halfCloseOverTlsDeliversWhatWasWrittenBeforeIt() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(PKI.serverTls()).build(), LINE_ECHO);
            try (Connection c = rt.connect("localhost", s.port(), ConnectOptions.builder().tls(PKI.clientTls())
                    .build())) {
                c.writeLine("last words");
                c.shutdownOutput(); // close_notify, then FIN
                assertEquals("last words", c.readLine());
                assertNull(c.readLine(), "the server's handler saw the end and closed");
                assertInetError(InetError.OUTPUT_SHUTDOWN, () -> c.writeLine("more"));
            }
        }
    }

    @Test
    void writeTimeoutOverTlsClosesTheConnectionAndReportsTimeout() throws Exception {
        ConnectOptions co = ConnectOptions.builder().tls(PKI.clientTls()).writeTimeout(Duration.ofMillis(300))
                .build();
        Connection[] c = new Connection[1];
        try (SocketRuntime rt = SocketRuntime.open();
             ServerSocket ls = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             EnginePeer peer = acceptPeer(ls, c, rt, co)) {
            byte[] chunk = new byte[64 * 1024];
            assertInetError(InetError.TIMEOUT, () -> {
                while (true) {
                    c[0].write(chunk); // the peer never reads
                }
            });
            assertFalse(c[0].isConnected());
            c[0].disconnect();
        }
    }

    @Test
    void overLongLineOverTlsIsLineTooLongAndConsumesNothing() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(PKI.serverTls()).build(), c -> {
                c.write(("x".repeat(100) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                c.readLine();
            });
            ConnectOptions co = ConnectOptions.builder().tls(PKI.clientTls()).maxLineLength(50).build();
            try (Connection c = rt.connect("localhost", s.port(), co)) {
                assertInetError(InetError.LINE_TOO_LONG, c::readLine);
                byte[] all = new byte[102];
                c.readFully(all, 0, all.length);
                assertEquals('x', all[0], "nothing was consumed");
            }
        }
    }
}
