package dev.socketloom.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Shows that the pinning check can fail. Since JDK 24 (JEP 491) {@code synchronized} no longer pins, but a virtual
 * thread that blocks inside a class initializer still does: the JVM cannot unmount it. {@link Blocker}'s initializer
 * sleeps, so initializing it on a virtual thread pins that thread once.
 */
class PinningCheckSelfTest {

    /** Initialized at most once per JVM, by the test below. */
    private static final class Blocker {
        static {
            try {
                Thread.sleep(20); // blocking in <clinit> pins the virtual thread that runs it (the point of the test)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        static void touch() {
        }
    }

    @Test
    void detectsAVirtualThreadPinnedInAClassInitializer() throws Exception {
        List<String> inTests;
        List<String> inProduction;
        try (PinRecorder recorder = PinRecorder.start()) {
            Thread t = Thread.ofVirtual().name("pinning-self-test").start(Blocker::touch);
            assertTrue(t.join(java.time.Duration.ofSeconds(30)), "pinned thread ended");
            List<String> all = recorder.stop(type -> type.startsWith("dev.socketloom."));
            inTests = all.stream().filter(p -> p.contains(PinningCheckSelfTest.class.getName() + "$Blocker.<clinit>"))
                    .toList();
            inProduction = all.stream().filter(p -> !inTests.contains(p)).toList();
        }
        assertEquals(1, inTests.size(), "the check sees the deliberate pin in Blocker.<clinit>: " + inTests);
        assertEquals(List.of(), inProduction, "and nothing else in dev.socketloom");
        assertTrue(inTests.get(0).contains("pinning-self-test"), inTests.get(0));
    }

    @Test
    void productionFilterIgnoresTestFrames() {
        assertTrue(PinRecorder.PRODUCTION.test("dev.socketloom.internal.connection.SocketConnection"));
        assertTrue(PinRecorder.PRODUCTION.test("dev.socketloom.inet.Inet"));
        assertTrue(!PinRecorder.PRODUCTION.test(PinningCheckSelfTest.class.getName() + "$Blocker"));
        assertTrue(!PinRecorder.PRODUCTION.test("java.lang.VirtualThread"));
    }
}
