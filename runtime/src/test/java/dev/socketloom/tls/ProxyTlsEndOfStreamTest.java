package dev.socketloom.tls;

import static dev.socketloom.testing.TestSupport.DEADLINE;
import static dev.socketloom.testing.TestSupport.await;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.ProxyProtocol;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.testing.EnginePeer;
import dev.socketloom.testing.ProxyHeaders;
import dev.socketloom.testing.TestPki;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PROXY header, then TLS: a client that closes with a bare FIN (no close_notify) is an end of stream for the handler,
 * as over plain TCP - whether the header arrived alone or in one segment with the start of the TLS handshake (then the
 * server reads the first handshake bytes together with the header and hands them to the TLS engine).
 */
class ProxyTlsEndOfStreamTest {

    /** A socket whose first write is sent together with {@code prefix}, in one segment. */
    private static Socket withPrefix(byte[] prefix) {
        return new Socket() {
            private volatile boolean sent;

            @Override
            public OutputStream getOutputStream() throws IOException {
                OutputStream real = super.getOutputStream();
                return new FilterOutputStream(real) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (!sent) {
                            sent = true;
                            byte[] first = new byte[prefix.length + len];
                            System.arraycopy(prefix, 0, first, 0, prefix.length);
                            System.arraycopy(b, off, first, prefix.length, len);
                            real.write(first);
                        } else {
                            real.write(b, off, len);
                        }
                    }
                };
            }
        };
    }

    @ParameterizedTest(name = "header sent with the ClientHello: {0}")
    @ValueSource(booleans = {true, false})
    void aClientClosingWithoutCloseNotifyIsAnEndOfStreamEveryTime(boolean headerWithHello) throws Exception {
        TestPki pki = TestPki.get();
        int rounds = 5;
        List<Object> endings = new CopyOnWriteArrayList<>();
        CountDownLatch ended = new CountDownLatch(rounds);
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(loopback().proxyProtocol(ProxyProtocol.REQUIRED).tls(pki.serverTls())
                    .build(), c -> {
                try {
                    String line;
                    while ((line = c.readLine()) != null) {
                        c.writeLine(line);
                    }
                    endings.add("null");
                } catch (Exception e) {
                    endings.add(e);
                    throw e;
                } finally {
                    ended.countDown();
                }
            });
            byte[] header = ProxyHeaders.v1(new InetSocketAddress("1.2.3.4", 1111),
                    new InetSocketAddress("5.6.7.8", 443));
            for (int i = 0; i < rounds; i++) {
                Socket s = headerWithHello ? withPrefix(header) : new Socket();
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress("127.0.0.1", server.port()));
                if (!headerWithHello) {
                    s.getOutputStream().write(header);
                }
                try (EnginePeer peer = new EnginePeer(s, pki.clientTls().sslContext(), true, "TLSv1.3")) {
                    peer.handshake(DEADLINE);
                    peer.write("hello\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertArrayEquals("hello\r\n".getBytes(StandardCharsets.US_ASCII), peer.read(7));
                } // a bare close: FIN, no close_notify
            }
            await(ended, rounds + " handlers to end");
            for (Object e : endings) {
                if (e instanceof Exception ex) {
                    throw new AssertionError("readLine threw instead of returning null: " + ex, ex);
                }
            }
            assertEquals(rounds, endings.size());
            assertEquals(0, server.stats().handlerFailures());
            assertTrue(endings.stream().allMatch("null"::equals), endings::toString);
        }
    }
}
