package dev.socketloom.jmh.load;

import dev.socketloom.jmh.child.CommandLoop;
import dev.socketloom.jmh.server.TlsMaterial;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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

    private LoadGenerator load;

    public static void main(String[] args) throws Exception {
        LoadMain m = new LoadMain();
        try {
            CommandLoop.run(m::reply);
        } finally {
            m.closeLoad();
        }
    }

    private String reply(String[] cmd) throws Exception {
        return switch (cmd[0]) {
            case "open" -> {
                closeLoad();
                Workload w = Workload.of(cmd[4]);
                load = new LoadGenerator(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        Integer.parseInt(cmd[1])), Integer.parseInt(cmd[2]), Integer.parseInt(cmd[3]),
                        w.request(), w.response(), cmd.length > 5 ? TlsMaterial.clientContext(Path.of(cmd[5]))
                                : null);
                yield "";
            }
            case "run" -> {
                LoadGenerator.Slice s = load.run(Long.parseLong(cmd[1]), Long.parseLong(cmd[2]));
                yield s.roundTrips() + " " + s.nanos() + " " + s.answered() + " " + s.clientCpuNanos() + " "
                        + s.wallNanos();
            }
            default -> throw new IllegalArgumentException("unknown command: " + String.join(" ", cmd));
        };
    }

    private void closeLoad() throws Exception {
        LoadGenerator l = load;
        load = null;
        if (l != null) {
            l.close();
        }
    }
}
