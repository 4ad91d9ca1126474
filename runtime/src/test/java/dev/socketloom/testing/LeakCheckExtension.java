package dev.socketloom.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * L8/L9 for every test: records the process's threads (platform and virtual, from the JDK's root thread container) and open
 * file descriptors ({@code /proc/self/fd}) before each test and fails the test if, after it, threads or descriptors
 * exist that were not there before.
 *
 * <p>Registered for every Jupiter test class through {@code META-INF/services} and
 * {@code junit.jupiter.extensions.autodetection.enabled}. JDK infrastructure threads that come and go on their own
 * (virtual-thread carriers, I/O pollers), jar files opened lazily by the class loader
 * (and the directory stream reading {@code /proc/self/fd} itself) are ignored. Threads a test
 * started may take a moment to finish after the test method returned, and the OS has no event for "fd count went
 * back", so the check re-reads both with a growing pause for up to {@link #SETTLE} before it fails.
 */
public final class LeakCheckExtension implements BeforeEachCallback, AfterEachCallback {
    /** How long leftovers may take to disappear after a test. */
    public static final Duration SETTLE = Duration.ofSeconds(15);

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LeakCheckExtension.class);
    private static final List<String> INFRASTRUCTURE = List.of(
            "ForkJoinPool", "Read-Poller", "Write-Poller", "VirtualThread-unparker", "Common-Cleaner",
            "Attach Listener", "process reaper", "JFR", "surefire", "Notification Thread", "Signal Dispatcher",
            "Reference Handler", "Finalizer", "InnocuousThread", "junit-", "Cleaner", "C1 ", "C2 ", "Sweeper",
            "Monitor Deflation", "Service Thread", "MemoryPoolMXBean", "Timer-", "Poller", "MasterPoller", "SubPoller",
            "JDWP", "Jqwik");
    private static volatile boolean warmedUp;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        warmUp();
        context.getStore(NS).put("snapshot", Snapshot.take());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Snapshot before = context.getStore(NS).remove("snapshot", Snapshot.class);
        if (before == null) {
            return;
        }
        List<String> leaks = awaitNoLeaks(before, SETTLE);
        if (!leaks.isEmpty()) {
            throw new AssertionError("Resources leaked by " + context.getDisplayName() + " (still there after "
                    + SETTLE.toSeconds() + " s):\n  " + String.join("\n  ", leaks));
        }
    }

    /** Waits until nothing new compared with {@code before} remains; returns what is left after {@code settle}. */
    public static List<String> awaitNoLeaks(Snapshot before, Duration settle) throws IOException {
        long end = System.nanoTime() + settle.toNanos();
        long pause = TimeUnit.MILLISECONDS.toNanos(5);
        while (true) {
            List<String> leaks = Snapshot.take().newSince(before);
            if (leaks.isEmpty() || System.nanoTime() > end) {
                return leaks;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    /** Starts the JDK's lazily created I/O machinery once, so that it is not mistaken for a leak. */
    private static void warmUp() throws Exception {
        if (warmedUp) {
            return;
        }
        try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try (Socket s = ss.accept()) {
                    s.getOutputStream().write(1);
                } catch (IOException ignored) {
                    // the test below fails if this did not work
                }
            });
            try (Socket c = new Socket()) {
                c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort()), 5000);
                if (c.getInputStream().read() != 1) {
                    throw new IllegalStateException("loopback warm-up failed");
                }
            }
            acceptor.join();
        }
        Snapshot.take();
        warmedUp = true;
    }

    /** Threads (by id) and file descriptors (by number) of this process at one moment. */
    public record Snapshot(Map<Long, String> threads, Map<Integer, String> fds) {
        /** Takes a snapshot now. */
        public static Snapshot take() throws IOException {
            return new Snapshot(readThreads(), readFds());
        }

        /** What exists now but did not in this snapshot, ignoring JDK infrastructure threads and jar files. */
        public List<String> newSinceIgnoringInfrastructure() throws IOException {
            return take().newSince(this);
        }

        /** Threads and descriptors present now but not in {@code before}, ignoring JDK infrastructure. */
        List<String> newSince(Snapshot before) {
            List<String> leaks = new ArrayList<>();
            threads.forEach((id, name) -> {
                if (!before.threads.containsKey(id) && !isInfrastructure(name)) {
                    leaks.add("thread #" + id + " \"" + name + "\"");
                }
            });
            fds.forEach((fd, target) -> {
                if (!target.equals(before.fds.get(fd)) && !isInfrastructureFile(target)) {
                    leaks.add("fd " + fd + " -> " + target);
                }
            });
            return leaks;
        }

        /** Files the JDK opens lazily once and keeps: jars, entropy devices, poller epoll fds, our /proc listing. */
        private static boolean isInfrastructureFile(String target) {
            return target.endsWith(".jar") || target.endsWith("/fd") || target.equals("/dev/random")
                    || target.equals("/dev/urandom")
                    // the JDK's I/O pollers (created lazily, kept for the JVM's life); SocketLoom itself opens none
                    || target.equals("anon_inode:[eventpoll]");
        }

        private static boolean isInfrastructure(String name) {
            for (String prefix : INFRASTRUCTURE) {
                if (name.startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Every live thread, platform and virtual, from the JDK's root thread container (which tracks virtual threads
         * when {@code -Djdk.trackAllThreads=true}, set by the build together with
         * {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}). Unlike a JSON thread dump this takes no stack
         * snapshots, which on JDK 25.0.3 could crash the VM while virtual threads were mounting. Without the export
         * it falls back to platform threads only.
         */
        private static Map<Long, String> readThreads() {
            Map<Long, String> threads = new TreeMap<>();
            try {
                Class<?> containers = Class.forName("jdk.internal.vm.ThreadContainers");
                Object root = containers.getMethod("root").invoke(null);
                Class<?> container = Class.forName("jdk.internal.vm.ThreadContainer");
                @SuppressWarnings("unchecked")
                java.util.stream.Stream<Thread> all = (java.util.stream.Stream<Thread>) container.getMethod("threads")
                        .invoke(root);
                all.forEach(t -> threads.put(t.threadId(), t.getName()));
                return threads;
            } catch (ReflectiveOperationException | RuntimeException notExported) {
                Thread.getAllStackTraces().keySet().forEach(t -> threads.put(t.threadId(), t.getName()));
                return threads;
            }
        }

        private static Map<Integer, String> readFds() throws IOException {
            Map<Integer, String> fds = new TreeMap<>();
            Path dir = Path.of("/proc/self/fd");
            try (var entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    String target;
                    try {
                        target = Files.readSymbolicLink(p).toString();
                    } catch (IOException gone) {
                        continue; // the directory stream's own fd, or closed meanwhile
                    }
                    fds.put(Integer.parseInt(p.getFileName().toString()), target);
                }
            }
            return fds;
        }
    }
}
