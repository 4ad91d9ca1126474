package dev.socketloom.tls;

import static dev.socketloom.testing.TestSupport.BYTE_ECHO;
import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.TlsInfo;
import dev.socketloom.TlsOptions;
import dev.socketloom.testing.TestPki;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** L10 over TLS: echoes are byte-exact, whatever the sizes of the reads and writes; tlsInfo() tells what was agreed. */
class TlsEchoTest {
    private static final TestPki PKI = TestPki.get();

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void sixteenMebibyteEchoIsByteExactForEveryReadAndWriteSize(String protocol) throws Exception {
        int total = 16 * 1024 * 1024;
        byte[] data = new byte[total];
        new Random(42).nextBytes(data);
        TlsOptions server = PKI.server.options(PKI).protocols(protocol).build();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(server).build(), BYTE_ECHO);
            ConnectOptions co = ConnectOptions.builder().tls(PKI.clientTls()).readTimeout(Duration.ofSeconds(60))
                    .build();
            try (Connection c = rt.connect("localhost", s.port(), co)) {
                assertEquals(protocol, c.tlsInfo().orElseThrow().protocol());
                AtomicReference<Throwable> writerFailed = new AtomicReference<>();
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        int off = 0;
                        int size = 1;
                        while (off < total) { // every write size from 1 byte to 64 KiB, cycling
                            int n = Math.min(size, total - off);
                            c.write(data, off, n);
                            off += n;
                            size = size % (64 * 1024) + 1 + (size > 4096 ? 509 : 0);
                            size = Math.min(size, 64 * 1024);
                        }
                    } catch (Throwable t) {
                        writerFailed.set(t);
                    }
                });
                byte[] back = new byte[total];
                int off = 0;
                int size = 64 * 1024;
                while (off < total) { // every read size from 64 KiB down to 1 byte, cycling
                    int n = c.read(back, off, Math.min(size, total - off));
                    assertTrue(n > 0, "read returned " + n + " at " + off);
                    off += n;
                    size = size <= 1 ? 64 * 1024 : size - (size > 4096 ? 523 : 1);
                }
                writer.join();
                assertEquals(null, writerFailed.get());
                assertArrayEquals(data, back, "16 MiB over " + protocol + " must come back byte-exact");
            }
            s.disconnect();
        }
    }

    @Test
    void tlsInfoReportsProtocolCipherPeerChainAlpnAndSni() throws Exception {
        AtomicReference<TlsInfo> serverSide = new AtomicReference<>();
        TlsOptions server = PKI.server.options(PKI).applicationProtocols("h2", "http/1.1")
                .clientAuth(TlsOptions.ClientAuth.REQUIRED).build();
        TlsOptions client = PKI.client.options(PKI).applicationProtocols("http/1.1").build();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(server).build(), c -> {
                serverSide.set(c.tlsInfo().orElseThrow());
                LINE_ECHO.handle(c);
            });
            try (Connection c = rt.connect("localhost", s.port(), ConnectOptions.builder().tls(client).build())) {
                assertTrue(c.isSecure());
                c.writeLine("hi");
                assertEquals("hi", c.readLine());
                TlsInfo info = c.tlsInfo().orElseThrow();
                assertEquals("TLSv1.3", info.protocol());
                assertTrue(info.cipherSuite().startsWith("TLS_"), info.cipherSuite());
                assertEquals("http/1.1", info.applicationProtocol());
                assertEquals("localhost", info.serverName());
                assertEquals("CN=localhost", info.peerCertificates().get(0).subject());
                assertEquals("CN=SocketLoom Test CA", info.peerCertificates().get(0).issuer());
                assertEquals(64, info.peerCertificates().get(0).sha256Fingerprint().length());
                assertTrue(info.peerCertificates().get(0).subjectAlternativeNames().contains("DNS:localhost"));
                assertTrue(info.peerCertificates().get(0).notAfter().isAfter(java.time.Instant.now()));
                TlsInfo seen = serverSide.get();
                assertEquals("CN=test client", seen.peerCertificates().get(0).subject(), "mTLS: the client's chain");
                assertEquals("localhost", seen.serverName(), "the server sees the SNI name the client sent");
                assertEquals("http/1.1", seen.applicationProtocol());
            }
            try (Connection plain = rt.connect("127.0.0.1", rt.startServer(loopback().build(), LINE_ECHO).port())) {
                assertFalse(plain.isSecure());
                assertTrue(plain.tlsInfo().isEmpty());
            }
        }
    }
}
