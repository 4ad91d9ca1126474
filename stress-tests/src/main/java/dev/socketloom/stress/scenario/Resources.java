package dev.socketloom.stress.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Threads (platform and virtual, from the JDK's root thread container) and open file descriptors
 * ({@code /proc/self/fd}) of this process: how scenarios prove L9 ("thread and fd counts return to where they
 * were"). JDK infrastructure threads that come and go on their own (carriers, pollers, ...) and files the JDK
 * opens lazily and keeps (jars, entropy devices, poller epoll fds) are not counted.
 */
public final class Resources {
    private static final List<String> INFRASTRUCTURE = List.of(
            "ForkJoinPool", "Read-Poller", "Write-Poller", "VirtualThread-unparker", "Common-Cleaner",
            "Attach Listener", "process reaper", "JFR", "surefire", "Notification Thread", "Signal Dispatcher",
            "Reference Handler", "Finalizer", "InnocuousThread", "junit-", "Cleaner", "C1 ", "C2 ", "Sweeper",
            "Monitor Deflation", "Service Thread", "MemoryPoolMXBean", "Timer-", "Poller", "MasterPoller", "SubPoller",
            "JDWP", "ProgressBar", "DestroyJavaVM");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Resources() {
    }

    /** Threads and descriptors at one moment. */
    public record Snapshot(TreeMap<Long, String> threads, TreeMap<Integer, String> fds) {
        public int threadCount() {
            return threads.size();
        }

        public int fdCount() {
            return fds.size();
        }

        /** Whether the counts equal those of {@code other}. */
        public boolean sameCounts(Snapshot other) {
            return threadCount() == other.threadCount() && fdCount() == other.fdCount();
        }

        /** Threads and descriptors here but not in {@code before} (for the report when counts differ). */
        public List<String> newSince(Snapshot before) {
            List<String> extra = new ArrayList<>();
            threads.forEach((id, name) -> {
                if (!before.threads.containsKey(id)) {
                    extra.add("thread #" + id + " \"" + name + "\"");
                }
            });
            fds.forEach((fd, target) -> {
                if (!target.equals(before.fds.get(fd))) {
                    extra.add("fd " + fd + " -> " + target);
                }
            });
            return extra.size() > 20 ? List.copyOf(extra.subList(0, 20)) : extra;
        }
    }

    /** Takes a snapshot now. */
    public static Snapshot snapshot() {
        try {
            return new Snapshot(threads(), fds());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the JDK's lazily created socket and virtual-thread machinery once and returns a baseline taken after
     * it, so that it is not mistaken for something a scenario leaked.
     */
    public static Snapshot warmBaseline() {
        // Many sockets whose reads park at once, on virtual threads: the JDK creates its I/O pollers (and their
        // epoll descriptors) lazily, per poller index, and they stay for the life of the JVM.
        int n = 64;
        try (ServerSocket ss = new ServerSocket(0, n, InetAddress.getLoopbackAddress());
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> reads = new ArrayList<>();
            List<Socket> accepted = new ArrayList<>();
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    Socket c = new Socket();
                    clients.add(c);
                    c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort()), 5000);
                    accepted.add(ss.accept());
                    reads.add(threads.submit(() -> c.getInputStream().read()));
                }
                for (Socket s : accepted) {
                    s.getOutputStream().write(1);
                }
                for (Future<Integer> r : reads) {
                    if (r.get(30, TimeUnit.SECONDS) != 1) {
                        throw new IllegalStateException("loopback warm-up failed");
                    }
                }
            } finally {
                for (Socket s : accepted) {
                    s.close();
                }
                for (Socket c : clients) {
                    c.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("loopback warm-up failed", e);
        }
        snapshot();
        return snapshot();
    }

    /**
     * Waits until the counts equal {@code baseline}'s, for at most {@code settle}, and returns the last snapshot.
     * The OS has no event for "the descriptor count went back", so this re-reads with a growing pause.
     */
    public static Snapshot settle(Snapshot baseline, Duration settle) {
        long end = System.nanoTime() + settle.toNanos();
        long pause = TimeUnit.MILLISECONDS.toNanos(5);
        while (true) {
            Snapshot now = snapshot();
            if (now.sameCounts(baseline) || System.nanoTime() > end) {
                return now;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    /** Settles and records threads/fds before and after in {@code report}, checking they are equal (L9). */
    public static void checkBackToBaseline(Report report, Snapshot baseline) {
        Snapshot after = settle(baseline, Duration.ofSeconds(15));
        report.metric("threads before", baseline.threadCount());
        report.metric("threads after", after.threadCount());
        report.metric("fds before", baseline.fdCount());
        report.metric("fds after", after.fdCount());
        report.check(after.sameCounts(baseline), "threads and fds back to baseline (L9)"
                + (after.sameCounts(baseline) ? "" : ": new " + after.newSince(baseline)));
    }

    /**
     * Every live thread, platform and virtual. Preferred source: the JDK's root thread container (needs
     * {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}, set for the tests by the build), which takes no
     * stack snapshots: a JSON thread dump taken while virtual threads were mounting crashed JDK 25.0.3 once in the
     * runtime's tests. Without the export it falls back to the JSON dump.
     */
    private static TreeMap<Long, String> threads() throws IOException {
        try {
            Class<?> containers = Class.forName("jdk.internal.vm.ThreadContainers");
            Object root = containers.getMethod("root").invoke(null);
            @SuppressWarnings("unchecked")
            Stream<Thread> all = (Stream<Thread>) Class
                    .forName("jdk.internal.vm.ThreadContainer").getMethod("threads").invoke(root);
            TreeMap<Long, String> threads = new TreeMap<>();
            all.filter(t -> !isInfrastructure(t.getName())).forEach(t -> threads.put(t.threadId(), t.getName()));
            return threads;
        } catch (ReflectiveOperationException | RuntimeException notExported) {
            return threadsFromDump();
        }
    }

    private static TreeMap<Long, String> threadsFromDump() throws IOException {
        Path dir = Files.createTempDirectory("socketloom-threads");
        Path file = dir.resolve("dump.json");
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            TreeMap<Long, String> threads = new TreeMap<>();
            for (JsonNode container : JSON.readTree(file.toFile()).path("threadDump").path("threadContainers")) {
                for (JsonNode t : container.path("threads")) {
                    String name = t.path("name").asText("");
                    if (!isInfrastructure(name)) {
                        threads.put(t.path("tid").asLong(), name);
                    }
                }
            }
            return threads;
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Open sockets of this process whose local port is {@code port} (a server's listening socket and the sockets it
     * accepted): its socket descriptors ({@code /proc/self/fd}) matched by inode against {@code /proc/net/tcp} and
     * {@code tcp6}. Sockets in TIME_WAIT belong to no descriptor and are not counted.
     */
    public static int socketsOnLocalPort(int port) {
        try {
            Set<String> inodes = new HashSet<>();
            for (String target : fds().values()) {
                if (target.startsWith("socket:[")) {
                    inodes.add(target.substring(8, target.length() - 1));
                }
            }
            int n = 0;
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                Path p = Path.of(table);
                if (!Files.exists(p)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(p);
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
                    String local = f[1];
                    int localPort = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
                    if (localPort == port && inodes.contains(f[9])) {
                        n++;
                    }
                }
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Files the JDK opens lazily once and keeps for the JVM's life: jars, the entropy devices (first temp file or
     * SecureRandom), the I/O pollers' epoll descriptors, and our own {@code /proc/self/fd} listing.
     */
    private static boolean isJdkFile(String target) {
        return target.endsWith(".jar") || target.endsWith("/fd") || target.equals("/dev/random")
                || target.equals("/dev/urandom") || target.equals("anon_inode:[eventpoll]");
    }

    private static boolean isInfrastructure(String name) {
        for (String prefix : INFRASTRUCTURE) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static TreeMap<Integer, String> fds() throws IOException {
        TreeMap<Integer, String> fds = new TreeMap<>();
        try (var entries = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : entries) {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException gone) {
                    continue; // the directory stream's own descriptor, or closed meanwhile
                }
                if (!isJdkFile(target)) {
                    fds.put(Integer.parseInt(p.getFileName().toString()), target);
                }
            }
        }
        return fds;
    }
}
