package dev.socketloom;

import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.await;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.testing.LeakCheckExtension;
import dev.socketloom.testing.LeakCheckExtension.Snapshot;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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

}
