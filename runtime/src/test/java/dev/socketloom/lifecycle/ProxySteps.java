package dev.socketloom.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import dev.socketloom.Connection;
import dev.socketloom.inet.Inet;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.ProxyHeader;
import dev.socketloom.SocketRuntime;
import dev.socketloom.testing.ProxyHeaders;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.Supplier;

/** Steps and helpers of the PROXY protocol area: the header a proxy would send for a client, and a bad header (L14). */
abstract class ProxySteps extends WorldBase {
    ProxySteps(Supplier<SocketRuntime> runtimes) {
        super(runtimes);
    }

    /** The client a proxy would name for {@code cm}: a TEST-NET-3 address, with the real local port as its port. */
    static InetAddress proxiedAddress(ClientModel cm) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, (byte) (1 + cm.id % 250)});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Version 1 for odd clients, version 2 with a TLV and a CRC32C for even ones. */
    static byte[] proxyHeader(ClientModel cm) {
        InetSocketAddress local = cm.conn.localAddress(); // null if the connection was already refused
        InetSocketAddress client = new InetSocketAddress(proxiedAddress(cm), local == null ? 0 : local.getPort());
        InetSocketAddress front = new InetSocketAddress(InetAddress.getLoopbackAddress(), cm.server.server.port());
        return cm.id % 2 == 1 ? ProxyHeaders.v1(client, front) : ProxyHeaders.v2(client, front,
                List.of(new ProxyHeader.Tlv(ProxyHeader.TYPE_UNIQUE_ID, ("id-" + cm.id).getBytes())), true);
    }

    /** A PROXY server's Inet clients send a header too (port 0: they are never looked up by port). */
    static void inetProxyHeader(ServerModel sm, int h) {
        if (sm.proxy) {
            byte[] header = ProxyHeaders.v1(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), sm.server.port()));
            assertEquals(header.length, Inet.write(h, header, header.length), "Inet.write of a PROXY header");
        }
    }

    /**
     * L14: a connection to a PROXY server whose header is bad is closed before any handler runs, and counted.
     *
     * @return false if the server cannot take the connection now (suspended or at its client limit: skipped)
     */
    boolean badProxyHeader(int serverId, byte[] garbage) throws Exception {
        ServerModel sm = server(serverId);
        if (sm.suspended || overLimit(sm)) {
            return false;
        }
        int handlersBefore = sm.byClientPort.size();
        try (Connection raw = rt.connect("127.0.0.1", sm.server.port(), clientSideOptions(sm))) {
            try {
                raw.write(garbage);
                raw.shutdownOutput(); // a truncated header then ends with the stream
                assertNull(raw.readLine(), "a bad PROXY header is answered with nothing but a close");
            } catch (InetException e) {
                assertEquals(InetError.CONNECTION_RESET, e.error(), "bad PROXY header: " + e);
            }
        }
        sm.proxyFailures++;
        assertEquals(handlersBefore, sm.byClientPort.size(), "L14: no handler ran for a bad PROXY header");
        return true;
    }
}
