package dev.socketloom.stress.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real, non-Java peers: starts the CLI's {@code serve} command in a child JVM and drives it with {@code nc}
 * (netcat-openbsd) and {@code socat}, one at a time and many at once; then stops it with SIGTERM, which makes
 * {@code serve} stop gracefully and print its counters.
 */
public final class RealPeersScenario {
    /** Parameters: how many socat peers run at once, lines each sends. */
    public record Params(int parallelPeers, int lines) {
        public static Params scaled(double scale) {
            return new Params(Tasks.scaled(50, scale, 5), 100);
        }
    }

    private RealPeersScenario() {
    }

    /** The peer programs that are not installed (empty when the scenario can run). */
    public static List<String> missingTools() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("nc", "socat")) {
            try {
                Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                p.getInputStream().close();
                p.getOutputStream().close();
                if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    missing.add(tool);
                }
            } catch (IOException e) {
                missing.add(tool);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                missing.add(tool);
            }
        }
        return missing;
    }

    public static Report run(Params p, Progress progress) throws Exception {
        Report r = new Report("real-peers");
        r.parameter("parallel socat peers", p.parallelPeers()).parameter("lines", p.lines());
        Resources.Snapshot baseline = Resources.warmBaseline();
        ErrorCounts errors = new ErrorCounts();
        progress.stage("nc and socat against `serve`", 2 + p.parallelPeers());
        try (ChildProcess serve = new ChildProcess(4096, mainClass(), "serve", "--port", "0", "--mode", "echo")) {
            String listening = serve.readLine();
            r.metric("serve said", listening);
            r.check(listening.startsWith("listening on 127.0.0.1:"), "serve started");
            String port = listening.replaceAll("^listening on 127\\.0\\.0\\.1:(\\d+).*$", "$1");

            String ncInput = "hello from nc\nsecond line\n";
            Peer nc = Peer.run(List.of("nc", "-N", "127.0.0.1", port), ncInput);
            r.check(nc.exit == 0 && nc.output.equals(ncInput), "nc got its lines echoed: exit " + nc.exit
                    + ", output " + abbreviate(nc.output));
            progress.step();

            String lines = lines("socat", p.lines());
            Peer socat = Peer.run(List.of("socat", "-t", "30", "-", "TCP:127.0.0.1:" + port), lines);
            r.check(socat.exit == 0 && socat.output.equals(lines), "socat got its " + p.lines()
                    + " lines echoed: exit " + socat.exit + ", output " + abbreviate(socat.output));
            progress.step();

            AtomicInteger ok = new AtomicInteger();
            long t0 = System.nanoTime();
            Tasks.parallel(p.parallelPeers(), 0, errors, i -> {
                String input = lines("peer " + i, p.lines());
                Peer peer = Peer.run(List.of("socat", "-t", "30", "-", "TCP:127.0.0.1:" + port), input);
                if (peer.exit == 0 && peer.output.equals(input)) {
                    ok.incrementAndGet();
                } else {
                    errors.record("PEER_FAILED", "socat " + i + " exit " + peer.exit + " output "
                            + abbreviate(peer.output));
                }
                progress.step();
            });
            r.metric(p.parallelPeers() + " socat peers at once (ms)", Tasks.millisSince(t0));
            r.checkEquals(p.parallelPeers(), ok.get(), "parallel socat peers echoed byte-exact");

            serve.terminate();
            String stopped = serve.readLine();
            r.metric("serve said on SIGTERM", stopped);
            long expected = 2L + p.parallelPeers();
            r.check(stopped.startsWith("stopped: accepted=" + expected + " "), "serve accepted every peer ("
                    + expected + ") and stopped gracefully: " + stopped);
            int exit = serve.waitFor();
            r.check(exit == 0 || exit == 143, "serve exited after SIGTERM (exit " + exit + ")");
        }
        Resources.checkBackToBaseline(r, baseline);
        errors.checkNone(r, "errors");
        return r;
    }

    private static Class<?> mainClass() throws ClassNotFoundException {
        return Class.forName("dev.socketloom.stress.cli.Main");
    }

    private static String lines(String prefix, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(prefix).append(" line ").append(i).append('\n');
        }
        return sb.toString();
    }

    private static String abbreviate(String s) {
        String oneLine = s.replace("\n", "\\n");
        return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 60) + "...(" + s.length() + " chars)";
    }

    /** One finished peer process. */
    private record Peer(int exit, String output) {
        /** Runs {@code command} with {@code input} on stdin (then closed), for at most a minute. */
        static Peer run(List<String> command, String input) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (OutputStream in = process.getOutputStream(); InputStream out = process.getInputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
                in.close();
                String output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(60, TimeUnit.SECONDS);
                    return new Peer(-1, output);
                }
                return new Peer(process.exitValue(), output);
            } finally {
                process.getErrorStream().close();
            }
        }
    }
}
