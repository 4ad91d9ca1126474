package dev.socketloom.lifecycle;

import static dev.socketloom.lifecycle.ChainSteps.*;
import static dev.socketloom.lifecycle.ClientActions.*;

import dev.socketloom.lifecycle.Model.ServerModel;
import dev.socketloom.ProxyProtocol;
import dev.socketloom.ServerOptions;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.Transformer;

/** The actions on a server: start, suspend/resume, saturate, stop, disconnect (also from several threads), a bad PROXY header. */
final class ServerActions {
    private ServerActions() {
    }


    static Action.Independent<World> startServer() {
        return new Action.Independent<>() {
            @Override
            public boolean precondition(World w) {
                return w.servers.size() < MAX_SERVERS;
            }

            @Override
            public Arbitrary<Transformer<World>> transformer() {
                return Generators.serverOptions().map(o -> new Step("start a server " + describe(o), x -> {
                    if (x.servers.size() >= MAX_SERVERS) {
                        return "(skipped: start a server, already " + MAX_SERVERS + ")";
                    }
                    return "start server " + x.startServer(o) + " " + describe(o);
                }));
            }
        };
    }

    static String describe(ServerOptions o) {
        return "{maxClients=" + o.maxClients() + ", idleTimeout=" + o.idleTimeout() + ", joinDeadline="
                + o.joinDeadline() + ", maxLine=" + o.clientOptions().maxLineLength()
                + (o.tls() != null ? ", tls" : "")
                + (o.proxyProtocol() == ProxyProtocol.OFF ? "" : ", proxyProtocol=" + o.proxyProtocol()) + "}";
    }

    static Action.Independent<World> suspend() {
        return onServer(s -> !s.suspended, "suspend a server", Arbitraries.just((x, s) -> {
            x.suspend(s.id);
            return "suspend " + s.name();
        }));
    }

    static Action.Independent<World> resume() {
        return onServer(s -> s.suspended, "resume a server", Arbitraries.just((x, s) -> {
            String what = "resume " + s.name() + (s.pending.isEmpty() ? "" : " (" + s.pending.size() + " waiting)");
            x.resume(s.id);
            return what;
        }));
    }

    /**
     * Saturates the carriers: 2-6 new connections to a server (within its client limit) ping-pong lines with their
     * handlers as fast as they can until the server stops or the runtime closes, so that the stop, disconnect and
     * close action after it is checked under load: the usual invariants, and that it returns promptly.
     */
    static Action.Independent<World> saturate() {
        return onServer(ServerActions::canSaturate, "saturate the carriers",
                Arbitraries.integers().between(2, 6).map(n -> (x, s) -> {
                    List<String> busy = canSaturate(s) ? x.saturate(s.id, n) : List.of();
                    return busy.isEmpty() ? "(skipped: saturate, no room for clients on " + s.name() + ")"
                            : "saturate the carriers: " + busy.size() + " busy ping-pong connections to " + s.name()
                            + " (" + busy.getFirst() + ".." + busy.getLast() + ")";
                }));
    }

    /** Room for busy clients, which speak no PROXY protocol: a server that requires a header is left to others. */
    static boolean canSaturate(ServerModel s) {
        return hasRoom(s) && !s.proxy;
    }

    /** Not suspended (new clients would wait in the backlog) and below its client limit. */
    static boolean hasRoom(ServerModel s) {
        int max = s.options.maxClients();
        return !s.suspended && (max == 0 || s.server.clientCount() < max);
    }

    static Action.Independent<World> stop() {
        return onServer(s -> true, "stop a server", Combinators.combine(Generators.grace(), Arbitraries.of(false, true))
                .as((grace, release) -> (x, s) -> {
                    String what = "stop(" + grace + ") " + s.name() + (release ? ", releasing working handlers" : "");
                    x.stop(s.id, grace, release);
                    return what;
                }));
    }

    static Action.Independent<World> disconnectServer() {
        return onServer(s -> true, "disconnect a server", Arbitraries.just((x, s) -> {
            x.disconnectServer(s.id);
            return "disconnect server " + s.name();
        }));
    }

    static Action.Independent<World> concurrentDisconnect() {
        Arbitrary<Integer> threads = Arbitraries.integers().between(2, 4);
        Action.Independent<World> clientSide = onClient(ClientActions::clientSideOpen, "concurrent client-side disconnect",
                threads.map(n -> (x, c) -> {
                    x.concurrentDisconnect("client-side", c.id, n);
                    return n + " threads disconnect " + c.name() + " (client side) at once";
                }));
        Action.Independent<World> serverSide = onClient(c -> c.rec != null, "concurrent server-side disconnect",
                threads.map(n -> (x, c) -> {
                    x.concurrentDisconnect("server-side", c.id, n);
                    return n + " threads disconnect " + c.name() + " (server side) at once";
                }));
        Action.Independent<World> server = onServer(s -> true, "concurrent server disconnect", threads.map(n -> (x, s) -> {
            x.concurrentDisconnect("server", s.id, n);
            return n + " threads disconnect server " + s.name() + " at once";
        }));
        return new Action.Independent<>() {
            @Override
            public boolean precondition(World w) {
                return !w.servers.isEmpty() || !w.clients.isEmpty();
            }

            @Override
            public Arbitrary<Transformer<World>> transformer() {
                // the kind is fixed when generated; a kind without a target when the step runs is skipped
                return Arbitraries.oneOf(List.of(clientSide.transformer(), serverSide.transformer(), server.transformer()));
            }
        };
    }

    static Action.Independent<World> badProxyHeader() {
        return onServer(s -> s.proxy, "send a bad PROXY header", Generators.badProxyHeaders().map(bytes -> (x, s) ->
                x.badProxyHeader(s.id, bytes)
                        ? "send a bad PROXY header (" + bytes.length + " bytes) to " + s.name() + " (closed before "
                                + "any handler, counted)"
                        : "(skipped: bad PROXY header, " + s.name() + " is suspended or at its client limit)"));
    }
}
