package dev.socketloom.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.Connection;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.testing.TestSupport;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.Transformer;

/**
 * Fan-out episodes (issue 25), each on a runtime of its own: a client that never reads, a reader, a run of
 * broadcasts, then a stop of the chosen kind. After every broadcast no queue is over its limit; after the stop every
 * drainer is joined (the runtime has no live thread left once it is closed).
 */
final class FanOutActions {
    /** Small, so that a few broadcasts fill a stuck client's socket buffers and reach the limit. */
    private static final long LIMIT = 256 * 1024;

    enum End { DISCONNECT, STOP_WITH_GRACE, RUNTIME_CLOSE }

    private FanOutActions() {
    }

    static Action.Independent<World> fanOutEpisode() {
        return new Action.Independent<>() {
            @Override
            public Arbitrary<Transformer<World>> transformer() {
                return Combinators.combine(Arbitraries.of(End.class), Arbitraries.integers().between(1, 200))
                        .as((end, n) -> new ChainSteps.Step("fan-out episode: " + n + " broadcasts to a stuck "
                                + "client, then " + end, w -> run(end, n)));
            }
        };
    }

    /** The per-step invariant on the world's own servers: the queued bytes stay within the limits. */
    static void checkQueues(World w) {
        for (World.ServerModel sm : w.servers) {
            long bound = sm.options.broadcastQueueLimit() * Math.max(1, sm.server.clientCount());
            assertTrue(sm.server.stats().queuedBytes() <= bound, sm.name() + " queues more than its limits allow");
        }
    }

    static String run(End end, int broadcasts) throws Exception {
        SocketRuntime rt = SocketRuntime.open();
        CountDownLatch handlers = new CountDownLatch(2);
        Server server = rt.startServer(TestSupport.loopback().broadcastQueueLimit(LIMIT).build(), c -> {
            handlers.countDown();
            while (c.readLine() != null) {
                // the clients send nothing; the handler waits for the end
            }
        });
        Socket stuck = new Socket("127.0.0.1", server.port());
        Connection reader = rt.connect("127.0.0.1", server.port());
        try {
            assertTrue(handlers.await(30, TimeUnit.SECONDS), "both handlers run");
            byte[] message = new byte[16 * 1024];
            for (int i = 0; i < broadcasts; i++) {
                server.broadcast(message);
                assertTrue(server.stats().queuedBytes() <= 2 * LIMIT, "a queue passed its limit");
                reader.readFully(new byte[message.length], 0, message.length);
            }
            switch (end) {
                case DISCONNECT -> server.disconnect();
                case STOP_WITH_GRACE -> server.stop(java.time.Duration.ofMillis(50));
                case RUNTIME_CLOSE -> { }
            }
            rt.close();
            assertEquals(0, rt.liveThreadCount(), "every drainer and handler was joined");
            return "slow consumers " + server.stats().slowConsumers();
        } finally {
            stuck.close();
            reader.close();
            rt.close();
        }
    }
}
