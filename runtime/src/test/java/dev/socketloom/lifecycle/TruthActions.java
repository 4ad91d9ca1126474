package dev.socketloom.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.ProxyProtocol;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.SocketRuntime;
import dev.socketloom.StopResult;
import dev.socketloom.testing.EnginePeer;
import dev.socketloom.testing.ProxyHeaders;
import dev.socketloom.testing.TestPki;
import dev.socketloom.testing.TestSupport;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.Transformer;

/**
 * Chain actions for reports that must tell the truth: a call that returns normally owns no live thread, a call that
 * fails names the straggler every time it is asked, {@code StopResult} counts add up, and a PROXY + TLS client's bare
 * FIN is an end of stream.
 *
 * <p>Each episode runs on a runtime of its own (opened and closed inside the step), with stubborn handlers and short
 * join deadlines, so that the main world's model is untouched; the step fails unless, once the stubborn threads are
 * released, that runtime closes normally with {@code liveThreadCount() == 0} and no socket left.
 */
final class TruthActions {
    /** Short, so that an episode costs a few hundred milliseconds of the suite's budget. */
    private static final Duration JOIN = Duration.ofMillis(100);

    enum Episode {
        /** A failed server disconnect, then the runtime close must still report the straggler. */
        CLOSE_AFTER_FAILED_SERVER_DISCONNECT,
        /** Every close reports the live straggler, the same answer each time. */
        REPEATED_CLOSE,
        /** stop(grace) on one thread, disconnect() on another: the handlers the disconnect ended are forced. */
        STOP_RACING_DISCONNECT,
        /** PROXY header sent with the ClientHello, then a bare FIN: the handler reads end of stream. */
        PROXY_TLS_BARE_FIN
    }

    private TruthActions() {
    }

    /** One episode of {@link Episode}, chosen by the chain. */
    static Action.Independent<World> truthEpisode() {
        return new Action.Independent<>() {
            @Override
            public Arbitrary<Transformer<World>> transformer() {
                return Arbitraries.of(Episode.class).map(e -> new ChainSteps.Step("truth episode " + e,
                        w -> run(e)));
            }
        };
    }

    private static void ignoreInterruptsUntil(CountDownLatch release) {
        while (release.getCount() > 0) {
            try {
                release.await();
            } catch (InterruptedException stubborn) {
                // on purpose
            }
        }
    }

    private static ServerOptions.Builder stubbornServer() {
        return TestSupport.loopback().joinDeadline(JOIN)
                .clientOptions(ConnectOptions.builder().joinDeadline(JOIN).build());
    }

    static String run(Episode e) throws Exception {
        SocketRuntime rt = SocketRuntime.open();
        CountDownLatch release = new CountDownLatch(1);
        try {
            switch (e) {
                case CLOSE_AFTER_FAILED_SERVER_DISCONNECT, REPEATED_CLOSE -> stragglers(rt, release, e);
                case STOP_RACING_DISCONNECT -> stopRacingDisconnect(rt);
                case PROXY_TLS_BARE_FIN -> proxyTlsBareFin(rt);
            }
        } finally {
            release.countDown();
        }
        closesClean(rt);
        return "truth episode " + e;
    }

    /** After everything is released: close returns normally, and then nothing of the runtime lives. */
    private static void closesClean(SocketRuntime rt) throws Exception {
        long end = System.nanoTime() + TestSupport.DEADLINE.toNanos();
        while (true) {
            try {
                rt.close();
                break;
            } catch (InetException e) {
                // a released straggler may still be on its way out; a normal return must then be the truth
                assertEquals(InetError.THREAD_NOT_TERMINATED, e.error());
                assertTrue(System.nanoTime() < end, "released stragglers never ended: " + e.stragglers());
            }
        }
        assertEquals(0, rt.liveThreadCount(), "a normal close() owns no live thread");
    }

    private static void stragglers(SocketRuntime rt, CountDownLatch release, Episode e) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        List<Thread> handler = new CopyOnWriteArrayList<>();
        Server server = rt.startServer(stubbornServer().build(), c -> {
            handler.add(Thread.currentThread());
            started.countDown();
            ignoreInterruptsUntil(release);
        });
        rt.connect("127.0.0.1", server.port(), ConnectOptions.builder().joinDeadline(JOIN).build());
        assertTrue(started.await(TestSupport.DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "stubborn handler");
        List<String> name = List.of(handler.getFirst().getName());
        if (e == Episode.CLOSE_AFTER_FAILED_SERVER_DISCONNECT) {
            assertEquals(name, failsWithStragglers(server::disconnect, "server.disconnect()"));
            assertEquals(name, failsWithStragglers(server::disconnect, "repeated server.disconnect()"));
        }
        for (int i = 1; i <= 2; i++) {
            assertEquals(name, failsWithStragglers(rt::close, "SocketRuntime.close() #" + i + " with a live "
                    + "straggler"));
            assertEquals(1, rt.liveThreadCount(), "close #" + i);
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static List<String> failsWithStragglers(Call call, String what) throws Exception {
        try {
            call.run();
        } catch (InetException e) {
            assertEquals(InetError.THREAD_NOT_TERMINATED, e.error(), what + ": " + e);
            return e.stragglers();
        }
        throw new AssertionError(what + " returned normally while a thread it owns is alive");
    }

    private static void stopRacingDisconnect(SocketRuntime rt) throws Exception {
        int n = 3;
        CountDownLatch started = new CountDownLatch(n);
        Server server = rt.startServer(TestSupport.loopback().build(), c -> {
            started.countDown();
            c.readLine(); // never sent: no handler finishes on its own
        });
        List<Connection> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clients.add(rt.connect("127.0.0.1", server.port()));
        }
        assertTrue(started.await(TestSupport.DEADLINE.toMillis(), TimeUnit.MILLISECONDS), n + " handlers");
        CompletableFuture<StopResult> stop = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                stop.complete(server.stop(Duration.ofSeconds(30)));
            } catch (Throwable t) {
                stop.completeExceptionally(t);
            }
        });
        TestSupport.awaitCondition(() -> !server.isRunning(), "the grace period to begin");
        server.disconnect();
        StopResult r = stop.get(TestSupport.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(n, r.graceful() + r.forced(), "StopResult counts add up to the handlers running: " + r);
        assertEquals(new StopResult(0, n, List.of()), r, "the disconnect forced them all");
        for (Connection c : clients) {
            c.close();
        }
    }

    private static void proxyTlsBareFin(SocketRuntime rt) throws Exception {
        TestPki pki = TestPki.get();
        CompletableFuture<Object> ending = new CompletableFuture<>();
        Server server = rt.startServer(TestSupport.loopback().proxyProtocol(ProxyProtocol.REQUIRED)
                .tls(pki.serverTls()).build(), c -> {
            try {
                String line;
                while ((line = c.readLine()) != null) {
                    c.writeLine(line);
                }
                ending.complete("end of stream");
            } catch (Exception e) {
                ending.complete(e);
            }
        });
        byte[] header = ProxyHeaders.v1(new InetSocketAddress("203.0.113.9", 1111),
                new InetSocketAddress("203.0.113.1", 443));
        Socket s = headerWithFirstWrite(header);
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", server.port()));
        try (EnginePeer peer = new EnginePeer(s, pki.clientTls().sslContext(), true, "TLSv1.3")) {
            peer.handshake(TestSupport.DEADLINE);
            peer.write("ping\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ping\r\n", new String(peer.read(6), StandardCharsets.US_ASCII));
        } // bare FIN, no close_notify
        Object end = ending.get(TestSupport.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals("end of stream", end, "PROXY + TLS, bare FIN: readLine must return null, got " + end);
        assertEquals(0, server.stats().handlerFailures());
    }

    /** A socket whose first write carries {@code prefix} in the same segment (the server reads both at once). */
    private static Socket headerWithFirstWrite(byte[] prefix) {
        return new Socket() {
            private volatile boolean sent;

            @Override
            public OutputStream getOutputStream() throws IOException {
                OutputStream real = super.getOutputStream();
                return new FilterOutputStream(real) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (sent) {
                            real.write(b, off, len);
                            return;
                        }
                        sent = true;
                        byte[] first = new byte[prefix.length + len];
                        System.arraycopy(prefix, 0, first, 0, prefix.length);
                        System.arraycopy(b, off, first, prefix.length, len);
                        real.write(first);
                    }
                };
            }
        };
    }
}
