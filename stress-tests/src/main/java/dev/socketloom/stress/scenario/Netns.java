package dev.socketloom.stress.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces of our own joined by a veth pair, for partitions that loopback cannot show: the server side
 * ({@value #SERVER_ADDRESS}/24 on {@code vs}) and the client side ({@value #CLIENT_ADDRESS}/24 on {@code vc}). The
 * addresses exist only inside these namespaces; nothing is added to the host's. Taking {@code vc} down is a real
 * partition: the server's veth loses its carrier and drops everything, no FIN, no RST, no ICMP. Closing deletes both
 * namespaces (and with them the veth pair). Needs root and iproute2. Not thread-safe.
 */
final class Netns implements AutoCloseable {
    static final String SERVER_ADDRESS = "10.77.0.1";
    static final String CLIENT_ADDRESS = "10.77.0.2";
    private static final String PREFIX = "slpart-";

    final String server;
    final String client;

    private Netns(String server, String client) {
        this.server = server;
        this.client = client;
    }

    /** Why namespaces cannot be made here (not root, no iproute2, no permission), or null if they can. */
    static String cannotCreate() {
        String probe = PREFIX + ProcessHandle.current().pid() + "-probe";
        try {
            run("ip", "netns", "add", probe);
            run("ip", "netns", "del", probe);
            return null;
        } catch (IOException e) {
            return "cannot create network namespaces (needs root and iproute2): " + e.getMessage();
        }
    }

    /** Creates the two namespaces, the veth pair between them, and their addresses; links up. */
    static Netns create() throws IOException {
        removeStale();
        String base = PREFIX + ProcessHandle.current().pid();
        Netns ns = new Netns(base + "-s", base + "-c");
        try {
            run("ip", "netns", "add", ns.server);
            run("ip", "netns", "add", ns.client);
            run("ip", "-n", ns.server, "link", "set", "lo", "up");
            run("ip", "-n", ns.client, "link", "set", "lo", "up");
            // created inside the namespaces: no interface appears in the host's namespace even for a moment
            run("ip", "-n", ns.server, "link", "add", "vs", "type", "veth", "peer", "name", "vc", "netns", ns.client);
            run("ip", "-n", ns.server, "addr", "add", SERVER_ADDRESS + "/24", "dev", "vs");
            run("ip", "-n", ns.client, "addr", "add", CLIENT_ADDRESS + "/24", "dev", "vc");
            run("ip", "-n", ns.server, "link", "set", "vs", "up");
            run("ip", "-n", ns.client, "link", "set", "vc", "up");
            return ns;
        } catch (IOException e) {
            ns.close();
            throw e;
        }
    }

    /** The command prefix that runs a program inside namespace {@code name}. */
    static List<String> exec(String name) {
        return List.of("ip", "netns", "exec", name);
    }

    /** Cuts the link on the client side: from the server, the clients vanish without a trace. */
    void cut() throws IOException {
        run("ip", "-n", client, "link", "set", "vc", "down");
    }

    /** Brings the link back (the address stays; the route returns with the link). */
    void heal() throws IOException {
        run("ip", "-n", client, "link", "set", "vc", "up");
    }

    @Override
    public void close() {
        for (String name : List.of(client, server)) {
            try {
                run("ip", "netns", "del", name);
            } catch (IOException alreadyGone) {
                // deleting one end of the veth pair took the other with it, or it was never created
            }
        }
    }

    /** Deletes namespaces an earlier run of ours left behind (its JVM was killed before it could clean up). */
    private static void removeStale() {
        try {
            for (String line : run("ip", "netns", "list").lines().toList()) {
                String name = line.split(" ")[0];
                if (!name.startsWith(PREFIX)) {
                    continue;
                }
                String pid = name.substring(PREFIX.length()).replaceAll("-.*$", "");
                if (pid.matches("\\d+") && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                    run("ip", "netns", "del", name);
                }
            }
        } catch (IOException ignored) {
            // nothing to clean, or no permission: create() reports the real problem
        }
    }

    /** Runs a command (at most 30 s); returns its output; fails with it on a non-zero exit. */
    static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out.trim());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + String.join(" ", command), e);
        } finally {
            p.getInputStream().close();
        }
    }
}
