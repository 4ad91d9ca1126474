package dev.socketloom.internal.tls;

import static dev.socketloom.testing.TestSupport.DEADLINE;
import static dev.socketloom.testing.TestSupport.returnsWithinDeadline;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.internal.util.Threads;
import dev.socketloom.internal.util.Watchdog;
import dev.socketloom.testing.TestPki;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one close case the public API cannot set up exactly: a peer that stopped reading, a send buffer that is full,
 * and no write in progress (the last one returned just as the buffer filled). Sending close_notify then blocks in the
 * kernel; {@link TlsLayer#closeNotify} must still return at its deadline, because the watchdog closes the TCP socket
 * underneath. Here the TCP socket is a {@link SocketChannel}'s, so the test can fill its buffer to the last byte with
 * non-blocking writes and switch back to blocking mode with no writer left.
 */
class TlsLayerCloseTest {
    private static final TestPki PKI = TestPki.get();

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void closeNotifyIntoAFullSendBufferReturnsAtItsDeadline(String protocol) throws Exception {
        Threads threads = new Threads();
        Watchdog watchdog = new Watchdog(threads);
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            // fixed buffer sizes switch the kernel's autotuning off: a full buffer stays full, the window shut
            listener.setOption(StandardSocketOptions.SO_RCVBUF, 8192);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_SNDBUF, 8192);
            channel.connect(listener.getLocalAddress());
            Socket raw = channel.socket();
            try (Socket peerRaw = listener.accept().socket()) {
                SSLSocket peer = (SSLSocket) PKI.clientTls().sslContext().getSocketFactory()
                        .createSocket(peerRaw, "localhost", peerRaw.getPort(), true);
                peer.setEnabledProtocols(new String[] {protocol});
                FutureTask<Void> peerHandshake = new FutureTask<>(() -> {
                    peer.startHandshake();
                    return null;
                });
                Thread.ofVirtual().start(peerHandshake);
                TlsLayer layer = TlsLayer.server(raw, PKI.server.options(PKI).protocols(protocol).build(), null);
                layer.handshake(watchdog, 0);
                peerHandshake.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);

                // the peer never reads again; fill every buffer on the way to it, then leave no writer behind
                channel.configureBlocking(false);
                ByteBuffer junk = ByteBuffer.allocate(64 * 1024);
                long idle = 0;
                while (idle < 20) { // 20 consecutive empty writes: the buffers are full, not just the window
                    junk.clear();
                    if (channel.write(junk) == 0) {
                        idle++;
                        Thread.sleep(5);
                    } else {
                        idle = 0;
                    }
                }
                channel.configureBlocking(true);

                long deadline = System.nanoTime() + Duration.ofMillis(300).toNanos();
                returnsWithinDeadline("close_notify into a full send buffer", () -> {
                    layer.closeNotify(watchdog, deadline);
                    return null;
                });
                assertTrue(System.nanoTime() - deadline >= 0, "close_notify could not have been sent before its "
                        + "deadline: the buffer was full");
                assertTrue(raw.isClosed(), "the watchdog closed the TCP socket underneath at the deadline");
            } finally {
                channel.close();
            }
        } finally {
            assertTrue(watchdog.stop(DEADLINE).isEmpty(), "the watchdog ends");
            assertFalse(threads.live() > 0, "no thread left");
        }
    }
}
