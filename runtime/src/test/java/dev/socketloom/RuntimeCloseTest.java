package dev.socketloom;

import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.await;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.testing.LeakCheckExtension;
import dev.socketloom.testing.TestSupport;
import dev.socketloom.testing.LeakCheckExtension.Snapshot;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** L8/L9: closing the runtime leaves nothing behind, and the leak check itself can fail. */
class RuntimeCloseTest {

    @Test
    void closeDisconnectsEverythingAndLeavesNoThreadOrSocket() throws Exception {
        Snapshot before = Snapshot.take();
        SocketRuntime rt = SocketRuntime.open();
        CountDownLatch blocked = new CountDownLatch(40);
        Server a = rt.startServer(loopback().build(), c -> {
            blocked.countDown();
            c.readLine();
        });
        Server b = rt.startServer(loopback().build(), c -> {
            blocked.countDown();
            c.readLine();
        });
        for (int i = 0; i < 20; i++) {
            rt.connect("127.0.0.1", a.port());
            rt.connect("127.0.0.1", b.port());
        }
        await(blocked, "40 handlers");
        assertEquals(2, rt.servers().size());
        assertEquals(80, rt.connections().size());
        assertTrue(rt.liveThreadCount() >= 42, "2 acceptors + 40 handlers + keeper");

        rt.close();

        assertEquals(0, rt.liveThreadCount());
        assertTrue(rt.servers().isEmpty());
        assertTrue(rt.connections().isEmpty());
        // no settling: when close() has returned, every thread is joined and every socket closed
        List<String> left = before.newSinceIgnoringInfrastructure();
        assertTrue(left.isEmpty(), () -> "left behind: " + left);
        assertInetError(InetError.NOT_INITIALIZED, () -> rt.connect("127.0.0.1", a.port()));
        assertInetError(InetError.NOT_INITIALIZED, () -> rt.startServer(loopback().build(), LINE_ECHO));
        rt.close(); // idempotent
    }

    @Test
    void keeperThreadLivesExactlyWhileServersRun() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            assertTrue(keepers().isEmpty());
            Server s1 = rt.startServer(loopback().build(), LINE_ECHO);
            Server s2 = rt.startServer(loopback().build(), LINE_ECHO);
            List<Thread> keepers = keepers();
            assertEquals(1, keepers.size(), "one keeper for any number of servers");
            assertTrue(!keepers.getFirst().isDaemon(), "the keeper holds the JVM alive");
            s1.disconnect();
            assertEquals(1, keepers().size());
            s2.disconnect();
            assertTrue(keepers().isEmpty(), "the keeper ends with the last server");
        }
    }

    @Test
    void leakCheckDetectsAnOpenSocketAndALiveThread() throws Exception {
        Snapshot before = Snapshot.take();
        CountDownLatch release = new CountDownLatch(1);
        Thread t = Thread.ofVirtual().name("deliberate-leak").start(() -> {
            try {
                release.await();
            } catch (InterruptedException ignored) {
                // ends either way
            }
        });
        try (Socket s = new Socket()) {
            s.bind(null);
            List<String> leaks = before.newSinceIgnoringInfrastructure();
            assertTrue(leaks.stream().anyMatch(l -> l.contains("deliberate-leak")), leaks::toString);
            assertTrue(leaks.stream().anyMatch(l -> l.contains("socket:")), leaks::toString);
        }
        release.countDown();
        t.join();
        assertTrue(LeakCheckExtension.awaitNoLeaks(before, Duration.ofSeconds(30)).isEmpty());
    }

    private static List<Thread> keepers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("socketloom-keeper") && t.isAlive()).toList();
    }


    private static final Duration JOIN_DEADLINE = Duration.ofMillis(300);

    /** Blocks until released, swallowing every interrupt: a handler that does not stop when told. */
    private static void ignoreInterruptsUntil(CountDownLatch release) {
        while (release.getCount() > 0) {
            try {
                release.await();
            } catch (InterruptedException swallowed) {
                // stubborn on purpose
            }
        }
    }

    private static ServerOptions stubbornOptions() {
        return loopback().joinDeadline(JOIN_DEADLINE)
                .clientOptions(ConnectOptions.builder().joinDeadline(JOIN_DEADLINE).build()).build();
    }

    @Test
    void reportsAStragglerOnEveryCloseWhileItLives() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Thread> handler = new AtomicReference<>();
        SocketRuntime rt = SocketRuntime.open();
        try {
            rt.startServer(stubbornOptions(), c -> {
                handler.set(Thread.currentThread());
                started.countDown();
                ignoreInterruptsUntil(release);
            });
            rt.connect("127.0.0.1", rt.servers().getFirst().port(),
                    ConnectOptions.builder().joinDeadline(JOIN_DEADLINE).build());
            await(started, "stubborn handler");
            String name = handler.get().getName();
            for (int i = 1; i <= 3; i++) {
                InetException e = assertInetError(InetError.THREAD_NOT_TERMINATED, rt::close);
                assertEquals(List.of(name), e.stragglers(), "close #" + i + " gives the same answer");
                assertTrue(handler.get().isAlive());
                assertEquals(1, rt.liveThreadCount(), "close #" + i);
            }
        } finally {
            release.countDown();
        }
        handler.get().join(TestSupport.DEADLINE);
        rt.close(); // the straggler has ended: now close returns normally
        assertEquals(0, rt.liveThreadCount());
    }

    @Test
    void closeAfterAFailedServerDisconnectStillReportsTheStraggler() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Thread> handler = new AtomicReference<>();
        SocketRuntime rt = SocketRuntime.open();
        try {
            Server server = rt.startServer(stubbornOptions(), c -> {
                handler.set(Thread.currentThread());
                started.countDown();
                ignoreInterruptsUntil(release);
            });
            rt.connect("127.0.0.1", server.port(), ConnectOptions.builder().joinDeadline(JOIN_DEADLINE).build());
            await(started, "stubborn handler");
            String name = handler.get().getName();
            assertEquals(List.of(name), assertInetError(InetError.THREAD_NOT_TERMINATED, server::disconnect)
                    .stragglers());
            assertEquals(List.of(name), assertInetError(InetError.THREAD_NOT_TERMINATED, server::disconnect)
                    .stragglers(), "a repeated disconnect gives the same answer");
            InetException e = assertInetError(InetError.THREAD_NOT_TERMINATED, rt::close);
            assertEquals(List.of(name), e.stragglers(), "the runtime still owns the thread it started");
            assertEquals(1, rt.liveThreadCount());
        } finally {
            release.countDown();
        }
        handler.get().join(TestSupport.DEADLINE);
        rt.close();
        assertEquals(0, rt.liveThreadCount());
    }

    @Test
    void closeAfterAFailedClientDisconnectStillReportsTheEventThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Thread> callback = new AtomicReference<>();
        SocketRuntime rt = SocketRuntime.open();
        try {
            Server server = rt.startServer(stubbornOptions(), LINE_ECHO); // one join deadline for all: keep it short
            Connection c = rt.connect("127.0.0.1", server.port(),
                    ConnectOptions.builder().joinDeadline(JOIN_DEADLINE).build());
            c.enableEvents((conn, event, error) -> {
                if (event == Event.READ) {
                    callback.set(Thread.currentThread());
                    started.countDown();
                    ignoreInterruptsUntil(release);
                }
            }, java.util.EnumSet.of(Event.READ));
            c.writeLine("wake the callback");
            await(started, "stubborn callback");
            String name = callback.get().getName();
            assertEquals(List.of(name), assertInetError(InetError.THREAD_NOT_TERMINATED, c::disconnect)
                    .stragglers());
            assertFalse(rt.connections().contains(c), "the handle is gone, the thread is not");
            InetException e = assertInetError(InetError.THREAD_NOT_TERMINATED, rt::close);
            assertTrue(e.stragglers().contains(name), e::getMessage);
        } finally {
            release.countDown();
        }
        callback.get().join(TestSupport.DEADLINE);
        rt.close();
        assertEquals(0, rt.liveThreadCount());
    }
}
