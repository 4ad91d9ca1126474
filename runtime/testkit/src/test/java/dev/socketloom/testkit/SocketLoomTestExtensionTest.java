package dev.socketloom.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.socketloom.Connection;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.SocketRuntime;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs fixture classes (not named *Test, so the build does not run them by themselves) through the JUnit launcher
 * and checks what {@link SocketLoomTest} made of them. This module's test JVM has none of the runtime's test flags.
 */
class SocketLoomTestExtensionTest {

    @Test
    void aTestThatClosesWhatItOpenedPasses() {
        TestExecutionSummary summary = run(CleanFixture.class);
        assertEquals(1, summary.getTestsSucceededCount(), () -> failures(summary));
        assertEquals(0, summary.getTestsFailedCount(), () -> failures(summary));
    }

    @Test
    void failsATestThatLeavesASocketOpenAndNamesThePeer() {
        TestExecutionSummary summary = run(LeakySocketFixture.class);
        assertEquals(1, summary.getTestsFailedCount(), "the leaked socket must fail the test");
        String message = summary.getFailures().get(0).getException().getMessage();
        assertTrue(message.contains("connection(s) still open"), message);
        assertTrue(message.contains("-> peer /127.0.0.1:" + LeakySocketFixture.serverPort), message);
    }

    @Test
    void failsATestWhoseHandlerOutlivesTheRuntimeClose() {
        try {
            TestExecutionSummary summary = run(LeakyHandlerFixture.class);
            assertEquals(1, summary.getTestsFailedCount(), "the handler thread still running must fail the test");
            String message = summary.getFailures().get(0).getException().getMessage();
            assertTrue(message.contains("SocketLoom thread(s) still alive"), message);
            assertTrue(message.contains("socketloom-client-127.0.0.1:"), message);
        } finally {
            LeakyHandlerFixture.release.countDown();
        }
    }

    private static TestExecutionSummary run(Class<?> fixture) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(fixture)).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        return listener.getSummary();
    }

    private static String failures(TestExecutionSummary summary) {
        return summary.getFailures().stream().map(f -> String.valueOf(f.getException())).toList().toString();
    }

    static ServerOptions loopback() throws Exception {
        return ServerOptions.builder().bindAddress(java.net.InetAddress.getLoopbackAddress()).port(0).build();
    }

    static void drain(Connection c) throws Exception {
        InputStream in = c.inputStream();
        while (in.read() >= 0) {
            // until the peer closes
        }
    }

    @SocketLoomTest
    static class CleanFixture {
        @Test
        void closesEverything(SocketRuntime runtime) throws Exception {
            Server server = runtime.startServer(loopback(), SocketLoomTestExtensionTest::drain);
            try (Connection client = runtime.connect("127.0.0.1", server.port())) {
                client.write(new byte[] {1, 2, 3});
            }
            server.stop(java.time.Duration.ofSeconds(5));
        }
    }

    @SocketLoomTest(settleMillis = 200)
    static class LeakySocketFixture {
        static volatile int serverPort;

        @Test
        void forgetsToCloseTheClient(SocketRuntime runtime) throws Exception {
            Server server = runtime.startServer(loopback(), SocketLoomTestExtensionTest::drain);
            serverPort = server.port();
            Connection client = runtime.connect("127.0.0.1", server.port());
            client.write(new byte[] {1});
        }
    }

    @SocketLoomTest(settleMillis = 200)
    static class LeakyHandlerFixture {
        static final CountDownLatch release = new CountDownLatch(1);

        @Test
        void handlerWaitsOnSomethingTheCloseDoesNotEnd(SocketRuntime runtime) throws Exception {
            CountDownLatch entered = new CountDownLatch(1);
            Server server = runtime.startServer(loopback(), c -> {
                entered.countDown();
                // not the socket, and deaf to interrupts: neither the close nor the runtime's interrupt ends it
                boolean released = false;
                while (!released) {
                    try {
                        released = release.await(1, TimeUnit.HOURS);
                    } catch (InterruptedException ignored) {
                        // the defect this fixture plays: a handler that swallows the interrupt
                    }
                }
            });
            Connection client = runtime.connect("127.0.0.1", server.port());
            assertTrue(entered.await(30, TimeUnit.SECONDS), "handler entered");
            client.close();
        }
    }
}
