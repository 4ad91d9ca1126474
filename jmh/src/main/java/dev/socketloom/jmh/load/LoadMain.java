package dev.socketloom.jmh.load;

import dev.socketloom.jmh.server.TlsMaterial;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The load JVM: hosts one {@link LoadGenerator} so that the load for each server has its own process and fd table
 * (five servers with 10 000 connections each would need 50 000 client sockets; a process may hold 20 000 here).
 * Driven line by line over stdin, one reply line per command, like the server JVM:
 *
 * <pre>
 * open &lt;port&gt; &lt;connections&gt; &lt;threads&gt; &lt;workload&gt; [&lt;keystore&gt;]  -> ok    connects and verifies
 *                                                    (over TLS, trusting the benchmark keystore, if given)
 * run &lt;ramp&gt; &lt;nanos&gt;   -> ok &lt;trips&gt; &lt;nanos&gt; &lt;answered&gt; &lt;cpu&gt; &lt;wall&gt;  one slice
 * quit                                              -> ok                     closes and exits
 * </pre>
 */
public final class LoadMain {

    private LoadMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        LoadGenerator load = null;
        out.println("ok ready");
        try {
            String line;
            while ((line = in.readLine()) != null) {
                String[] cmd = line.trim().split("\\s+");
                try {
                    switch (cmd[0]) {
                        case "open" -> {
                            if (load != null) {
                                load.close();
                                load = null;
                            }
                            Workload w = Workload.of(cmd[4]);
                            load = new LoadGenerator(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                                    Integer.parseInt(cmd[1])), Integer.parseInt(cmd[2]), Integer.parseInt(cmd[3]),
                                    w.request(), w.response(), cmd.length > 5
                                            ? TlsMaterial.clientContext(Path.of(cmd[5])) : null);
                            out.println("ok");
                        }
                        case "run" -> {
                            LoadGenerator.Slice s = load.run(Long.parseLong(cmd[1]), Long.parseLong(cmd[2]));
                            out.println("ok " + s.roundTrips() + " " + s.nanos() + " " + s.answered() + " "
                                    + s.clientCpuNanos() + " " + s.wallNanos());
                        }
                        case "quit" -> {
                            out.println("ok");
                            return;
                        }
                        default -> out.println("error unknown command: " + line);
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                    out.println("error " + e);
                }
            }
        } finally {
            if (load != null) {
                load.close();
            }
        }
    }
}
