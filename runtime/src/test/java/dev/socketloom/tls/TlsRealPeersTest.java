package dev.socketloom.tls;

import static dev.socketloom.testing.TestSupport.DEADLINE;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.TlsInfo;
import dev.socketloom.TlsOptions;
import dev.socketloom.testing.ExternalTool;
import dev.socketloom.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real TLS peers, not only Java: {@code openssl s_client} against a SocketLoom TLS echo server (TLS 1.2 and 1.3 each
 * forced, SNI, ALPN, a client certificate for mutual TLS), and a SocketLoom client against {@code openssl s_server}
 * and {@code socat OPENSSL-LISTEN}, byte-exact. Skipped, with a message, where a tool is not installed.
 */
class TlsRealPeersTest {
    private static final TestPki PKI = TestPki.get();

    @ParameterizedTest(name = "{0}, mTLS {1}")
    @CsvSource({"TLSv1.3,false", "TLSv1.2,false", "TLSv1.3,true", "TLSv1.2,true"})
    void opensslClientEchoesByteExactThroughASocketLoomServer(String protocol, boolean mutual) throws Exception {
        ExternalTool.require("openssl", "version");
        byte[] payload = new byte[256 * 1024];
        new Random(7).nextBytes(payload);
        Path input = Files.createTempFile(PKI.dir, "payload", ".bin");
        Files.write(input, payload);
        AtomicReference<TlsInfo> seen = new AtomicReference<>();
        TlsOptions tls = PKI.server.options(PKI).applicationProtocols("h2", "http/1.1")
                .clientAuth(mutual ? TlsOptions.ClientAuth.REQUIRED : TlsOptions.ClientAuth.NONE).build();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server s = rt.startServer(loopback().tls(tls).build(), c -> {
                seen.set(c.tlsInfo().orElseThrow());
                byte[] buf = new byte[8192];
                int left = payload.length;
                while (left > 0) { // echo exactly the payload, then close (close_notify ends s_client)
                    int n = c.read(buf, 0, Math.min(buf.length, left));
                    if (n < 0) {
                        return;
                    }
                    c.write(buf, 0, n);
                    left -= n;
                }
            });
            List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + s.port(),
                    "-servername", "localhost", "-alpn", "h2", "-CAfile", PKI.caFile.toString(), "-verify_return_error",
                    "-verify_hostname", "localhost", "-quiet", "-nocommands",
                    protocol.equals("TLSv1.3") ? "-tls1_3" : "-tls1_2"));
            if (mutual) {
                cmd.addAll(List.of("-cert", PKI.client.certFile().toString(), "-key", PKI.client.keyFile().toString()));
            }
            byte[] echoed = ExternalTool.run(cmd, input, DEADLINE);
            assertArrayEquals(payload, echoed, "256 KiB through openssl s_client and back, byte-exact");
            TlsInfo info = seen.get();
            assertEquals(protocol, info.protocol());
            assertEquals("localhost", info.serverName(), "SNI from -servername");
            assertEquals("h2", info.applicationProtocol(), "ALPN from -alpn");
            assertEquals(mutual ? 1 : 0, info.peerCertificates().size() > 0 ? 1 : 0);
            if (mutual) {
                assertEquals("CN=test client", info.peerCertificates().get(0).subject());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void socketLoomClientTalksToOpensslServer(String protocol) throws Exception {
        ExternalTool.require("openssl", "version");
        int port = ExternalTool.freePort();
        try (ExternalTool.Background server = new ExternalTool.Background(List.of("openssl", "s_server",
                "-accept", "127.0.0.1:" + port, "-cert", PKI.server.certFile().toString(), "-key",
                PKI.server.keyFile().toString(), "-rev", "-naccept", "1", protocol.equals("TLSv1.3") ? "-tls1_3"
                        : "-tls1_2"), "ACCEPT");
             SocketRuntime rt = SocketRuntime.open();
             Connection c = rt.connect("localhost", port, ConnectOptions.builder().tls(PKI.clientTls())
                     .readTimeout(DEADLINE).build())) {
            assertEquals(protocol, c.tlsInfo().orElseThrow().protocol());
            c.write("hello openssl\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals("lssnepo olleh", c.readLine(), "s_server -rev answers the line reversed");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void socketLoomClientEchoesByteExactThroughSocat(String protocol) throws Exception {
        ExternalTool.require("socat", "-V");
        int port = ExternalTool.freePort();
        byte[] payload = new byte[1024 * 1024];
        new Random(9).nextBytes(payload);
        TlsOptions client = TlsOptions.builder().trustPem(PKI.caFile).protocols(protocol).build(); // socat 1.7 has
        // no protocol-version options: the client forces it
        try (ExternalTool.Background socat = new ExternalTool.Background(List.of("socat", "-d", "-d",
                "OPENSSL-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,verify=0,cert=" + PKI.server.certFile()
                        + ",key=" + PKI.server.keyFile(), "EXEC:cat"), "listening on");
             SocketRuntime rt = SocketRuntime.open();
             Connection c = rt.connect("localhost", port, ConnectOptions.builder().tls(client)
                     .readTimeout(DEADLINE).build())) {
            assertEquals(protocol, c.tlsInfo().orElseThrow().protocol());
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    c.write(payload);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] back = new byte[payload.length];
            c.readFully(back, 0, back.length);
            writer.join();
            assertArrayEquals(payload, back, "1 MiB through socat OPENSSL-LISTEN ... EXEC:cat, byte-exact");
        }
    }
}
