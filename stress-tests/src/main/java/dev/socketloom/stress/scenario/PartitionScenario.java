package dev.socketloom.stress.scenario;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network partition (a peer that vanishes without FIN or RST), for real: the server in one network namespace, its
 * clients in another, joined by a veth pair ({@link Netns}); mid-session the link goes down. Shows, with the
 * {@link PartitionPeer} children:
 * <ul>
 *   <li>a handler blocked in a read is freed by the idle timeout, and one without timeouts by TCP keepalive
 *       ({@code ConnectOptions.keepAlive(2 s, 1 s, 3)}), both with {@code TIMEOUT};</li>
 *   <li>a handler writing to the vanished peer ends with {@code TIMEOUT} once the send buffer fills (write
 *       timeout);</li>
 *   <li>{@code stop(grace)} and {@code disconnect()} with partitioned clients attached return within their bounds
 *       (grace plus join deadlines), forcing every client, no straggler, and the runtime's close leaves no thread
 *       and no socket;</li>
 *   <li>once the link is back, a fresh client is served.</li>
 * </ul>
 * Needs root (namespaces); {@link #cannotRun()} says why not otherwise.
 */
public final class PartitionScenario {
    private static final Duration STEP = Duration.ofSeconds(120);
    private static final long GRACE_MS = 1000;
    private static final long JOIN_MS = 5000;

    /** Parameters: clients attached to each of the two servers that are stopped / disconnected. */
    public record Params(int holdClients) {
        public static Params scaled(double scale) {
            return new Params(Tasks.scaled(500, scale, 5));
        }
    }

    private PartitionScenario() {
    }

    /** Why the scenario cannot run here, or null. */
    public static String cannotRun() {
        return Netns.cannotCreate();
    }

    public static Report run(Params p, Progress progress) throws Exception {
        Report r = new Report("partition");
        r.parameter("clients per stopped server", p.holdClients()).parameter("grace ms", GRACE_MS)
                .parameter("join deadline ms", JOIN_MS);
        Resources.Snapshot baseline = Resources.warmBaseline();
        progress.stage("partition between two network namespaces", 6);
        try (Netns ns = Netns.create();
             ChildProcess server = new ChildProcess(Netns.exec(ns.server), 4096, PartitionPeer.class, "server",
                     Netns.SERVER_ADDRESS)) {
            String[] ports = server.readLine(STEP).substring("PORTS ".length()).split(" ");
            try (ChildProcess client = new ChildProcess(Netns.exec(ns.client), 4096, PartitionPeer.class, "client",
                    Netns.SERVER_ADDRESS, ports[0], ports[1], ports[2], ports[3], ports[4], ports[5],
                    String.valueOf(p.holdClients()))) {
                String connected = client.readLine(STEP);
                r.metric("client said", connected);
                r.check(connected.startsWith("CONNECTED "), "clients connected across the veth pair");
                progress.step();

                long cut = System.nanoTime();
                ns.cut();
                Map<String, String> ended = new HashMap<>();
                while (ended.size() < 3) {
                    String line = server.readLine(STEP);
                    if (line.startsWith("ENDED ")) {
                        String name = line.split(" ")[1];
                        ended.put(name, line);
                        r.metric(name + " handler ended (s after the cut)", seconds(cut));
                    } else if (line.startsWith("WRITTEN ")) {
                        r.metric("bytes written before the writer blocked", Long.parseLong(line.split(" ")[2]));
                    }
                }
                r.check(ended.get("idle").startsWith("ENDED idle TIMEOUT"), "a read is freed by the idle timeout "
                        + "with TIMEOUT: " + ended.get("idle"));
                r.check(ended.get("keepalive").startsWith("ENDED keepalive TIMEOUT"), "a read without timeouts is "
                        + "freed by TCP keepalive with TIMEOUT: " + ended.get("keepalive"));
                r.check(ended.get("writer").startsWith("ENDED writer TIMEOUT"), "a write to the vanished peer ends "
                        + "with TIMEOUT once the send buffer is full: " + ended.get("writer"));
                progress.step();

                server.send("STOP-HOLD " + GRACE_MS);
                Matcher stopped = expect(server, "STOPPED graceful=(\\d+) forced=(\\d+) stragglers=(\\d+) ms=(\\d+)");
                r.metric("stop(grace) with partitioned clients (ms)", Long.parseLong(stopped.group(4)));
                r.check(stopped.group(2).equals(String.valueOf(p.holdClients())) && stopped.group(3).equals("0"),
                        "stop(" + GRACE_MS + " ms) forced every partitioned client, no straggler: " + stopped.group());
                r.check(Long.parseLong(stopped.group(4)) <= GRACE_MS + 2 * JOIN_MS, "stop(grace) returned within "
                        + "grace + 2 join deadlines (" + (GRACE_MS + 2 * JOIN_MS) + " ms)");
                progress.step();

                server.send("DISCONNECT-HOLD2");
                Matcher disconnected = expect(server, "DISCONNECTED (\\w+) clients=(\\d+) left=(\\d+) ms=(\\d+)");
                r.metric("disconnect() with partitioned clients (ms)", Long.parseLong(disconnected.group(4)));
                r.check(disconnected.group(1).equals("ok") && disconnected.group(2).equals(
                        String.valueOf(p.holdClients())) && disconnected.group(3).equals("0"), "disconnect() joined "
                        + "every partitioned client's thread: " + disconnected.group());
                r.check(Long.parseLong(disconnected.group(4)) <= JOIN_MS, "disconnect() returned within its join "
                        + "deadline (" + JOIN_MS + " ms)");
                progress.step();

                long healed = System.nanoTime();
                ns.heal();
                client.send("FRESH " + ports[5]);
                String fresh = client.readLine(STEP);
                r.metric("fresh client served after the link came back (s)", seconds(healed));
                r.check(fresh.equals("FRESH ok"), "a fresh client is served once the link is back: " + fresh);
                progress.step();

                server.send("CLOSE");
                Matcher closed = expect(server, "CLOSED threads=(\\d+) sockets=(-?\\d+) ms=(\\d+)");
                r.check(closed.group(1).equals("0") && closed.group(2).equals("0"), "the server's runtime closed with "
                        + "no thread and no socket left (L8): " + closed.group());
                progress.step();
            }
        }
        Resources.checkBackToBaseline(r, baseline);
        return r;
    }

    /** Reads lines until one matches {@code regex} (ENDED/WRITTEN lines of late handlers are skipped). */
    private static Matcher expect(ChildProcess child, String regex) throws IOException {
        Pattern pattern = Pattern.compile(regex);
        while (true) {
            String line = child.readLine(STEP);
            Matcher m = pattern.matcher(line);
            if (m.matches()) {
                return m;
            }
            if (!line.startsWith("ENDED ") && !line.startsWith("WRITTEN ")) {
                throw new IOException("expected " + regex + ", got: " + line);
            }
        }
    }

    private static double seconds(long since) {
        return Math.round(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since) / 100.0) / 10.0;
    }
}
