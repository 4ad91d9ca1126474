package dev.socketloom.stress.scenario;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real haproxy ({@code haproxy -db}, in the foreground) in TCP mode in front of two backend servers on loopback,
 * sending them the PROXY protocol header (v1: {@code send-proxy}, v2: {@code send-proxy-v2} with a CRC32C), with
 * health checks (which send the header too, v2 as LOCAL), connect retries and redispatch, and an admin socket for the
 * runtime API ({@code set server be/s1 state drain}). Its configuration is {@link #config}, the one the README
 * shows. Closing it stops haproxy (SIGTERM, then SIGKILL) and deletes its files. Not thread-safe.
 */
final class Haproxy implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final Path socket;
    private final int port;

    private Haproxy(Process process, Path dir, Path socket, int port) {
        this.process = process;
        this.dir = dir;
        this.socket = socket;
        this.port = port;
    }

    /** haproxy's version line, or null when it is not installed. */
    static String version() {
        try {
            Process p = new ProcessBuilder("haproxy", "-v").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out.lines().findFirst().orElse("haproxy");
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The configuration: frontend on {@code port}, backend {@code be} with s1 and s2 on the given ports. */
    static String config(Path adminSocket, int port, int s1, int s2, int proxyVersion) {
        String proxy = proxyVersion == 2 ? "send-proxy-v2 proxy-v2-options crc32c" : "send-proxy";
        return String.join("\n",
                "global",
                "    maxconn 4096",
                "    stats socket " + adminSocket + " mode 600 level admin",
                "    log stderr format short local0 notice",
                "",
                "defaults",
                "    mode tcp",
                "    log global",
                "    timeout connect 1s",
                "    timeout client 30s",
                "    timeout server 30s",
                "    retries 3",
                "    option redispatch",
                "",
                "frontend fe",
                "    bind 127.0.0.1:" + port,
                "    default_backend be",
                "",
                "backend be",
                "    balance roundrobin",
                "    # health checks send the PROXY header too (v2: as LOCAL); 2 failures mark a server down",
                "    default-server check inter 200ms fall 2 rise 2 " + proxy,
                "    server s1 127.0.0.1:" + s1,
                "    server s2 127.0.0.1:" + s2,
                "");
    }

    /** Starts haproxy on a free loopback port in front of s1 and s2; waits until both are UP. */
    static Haproxy start(int s1, int s2, int proxyVersion, Duration upWithin) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("scaleout-haproxy-");
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // the free port we picked may be taken before haproxy binds it
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            Path socket = dir.resolve("admin.sock");
            Path cfg = dir.resolve("haproxy.cfg");
            Files.writeString(cfg, config(socket, port, s1, s2, proxyVersion));
            Process p = new ProcessBuilder("haproxy", "-db", "-f", cfg.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
            p.getOutputStream().close();
            Haproxy h = new Haproxy(p, dir, socket, port);
            if (Tasks.await(() -> !p.isAlive() || (h.isUp("s1") && h.isUp("s2")), upWithin) && p.isAlive()) {
                return h;
            }
            last = new IOException("haproxy did not come up (" + (p.isAlive() ? "servers not UP" : "exited "
                    + p.exitValue()) + "); its log:\n" + h.log());
            h.stopProcess();
        }
        deleteDir(dir);
        throw last;
    }

    int port() {
        return port;
    }

    /** Sends one command to the runtime API and returns its answer. */
    String command(String command) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.shutdownOutput();
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            StringBuilder out = new StringBuilder();
            while (ch.read(buf) >= 0) {
                buf.flip();
                out.append(StandardCharsets.UTF_8.decode(buf));
                buf.clear();
            }
            return out.toString();
        }
    }

    /** Whether backend server {@code name} is operationally UP ({@code srv_op_state} 2). */
    boolean isUp(String name) {
        try {
            for (String line : command("show servers state be").lines().toList()) {
                String[] f = line.split(" ");
                if (f.length > 6 && f[3].equals(name)) {
                    return f[5].equals("2");
                }
            }
        } catch (IOException notYet) {
            // the admin socket is not there yet
        }
        return false;
    }

    /** Sessions haproxy holds to backend server {@code name} right now ({@code scur} of {@code show stat}). */
    int sessions(String name) throws IOException {
        for (String line : command("show stat").lines().toList()) {
            List<String> f = List.of(line.split(",", -1));
            if (f.size() > 4 && f.get(0).equals("be") && f.get(1).equals(name)) {
                return Integer.parseInt(f.get(4));
            }
        }
        throw new IOException("no stats for be/" + name);
    }

    /** haproxy's own log (server state changes, warnings). */
    String log() {
        try {
            return Files.readString(dir.resolve("haproxy.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void stopProcess() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException, IOException {
        try {
            stopProcess();
        } finally {
            deleteDir(dir);
        }
    }

    private static void deleteDir(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }
}
