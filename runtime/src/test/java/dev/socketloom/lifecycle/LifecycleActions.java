package dev.socketloom.lifecycle;

import dev.socketloom.lifecycle.World.ClientModel;
import dev.socketloom.lifecycle.World.ClientState;
import dev.socketloom.lifecycle.World.ServerModel;
import dev.socketloom.ProxyProtocol;
import dev.socketloom.ServerOptions;
import dev.socketloom.SocketRuntime;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.ActionChainArbitrary;
import net.jqwik.api.state.Transformer;
import net.jqwik.api.statistics.Statistics;

/**
 * The actions of a lifecycle chain: everything a user can do to a runtime, its servers and connections, each
 * generated only when its precondition holds in the model.
 *
 * <p>Targets are chosen by position among the qualifying servers or clients when the action runs, not by identity:
 * while shrinking, jqwik replays generated actions against a fresh world in which earlier actions may be gone, and a
 * position still means "some qualifying target" there (an identity would be stale). Each step describes what it
 * actually did in its last run ({@link Transformer#transformation()}), so a shrunk chain reads like a reproduction
 * recipe with the real names (servers S1, S2, ... and clients C1, C2, ... in order of creation).
 */
final class LifecycleActions {
    private static final int MAX_SERVERS = 3;
    private static final int MAX_CLIENTS = 8;

    private LifecycleActions() {
    }

    /** Chains of up to {@code maxActions} actions, starting from a fresh runtime; with the timeout actions. */
    static ActionChainArbitrary<World> chains(int maxActions) {
        // the timeout actions and the truth episodes (runtimes of their own) only for the real runtime, not the
        // broken-join self-test
        return chains(maxActions, SocketRuntime::open)
                .withAction(1, idle(TimeoutActions.readTimeoutMidRead()))
                .withAction(1, idle(TimeoutActions.idleTimeoutMidRead()))
                .withAction(1, idle(TimeoutActions.writeTimeoutMidWrite()))
                .withAction(1, idle(TruthActions.truthEpisode()))
                .withAction(1, idle(FanOutActions.fanOutEpisode()));
    }

    /**
     * Chains of up to {@code maxActions} actions on runtimes opened by {@code runtimes}, without the timeout actions:
     * the shrinking self-test's pinned seed was chosen for this set, and its broken join needs no timeouts to show.
     */
    static ActionChainArbitrary<World> chains(int maxActions, Supplier<SocketRuntime> runtimes) {
        return ActionChain.<World>startWith(() -> Chains.newWorld(runtimes))
                .withAction(3, idle(startServer()))
                .withAction(5, idle(connect()))
                .withAction(4, idle(echoLine()))
                .withAction(2, idle(echoBinary()))
                .withAction(1, idle(startTls()))
                .withAction(1, idle(tooLongLine()))
                .withAction(3, idle(disconnectClientSide()))
                .withAction(3, idle(disconnectServerSide()))
                .withAction(2, idle(selfDisconnect()))
                .withAction(2, idle(halfClose()))
                .withAction(2, idle(enableEvents()))
                .withAction(2, idle(disableEvents()))
                .withAction(1, idle(enableEventsOnHandlerConnection()))
                .withAction(1, idle(suspend()))
                .withAction(2, idle(resume()))
                .withAction(2, idle(startWork()))
                .withAction(1, idle(saturate()))
                .withAction(2, stop())
                .withAction(2, disconnectServer())
                .withAction(2, concurrentDisconnect())
                .withAction(1, idle(staleInetHandle()))
                .withAction(1, idle(inetBlockedRead()))
                .withAction(1, idle(badProxyHeader()))
                .withAction(1, closeRuntime())
                .withAction(1, idle(EventActions.disableWhileBlockedInRead()))
                .withAction(1, idle(EventActions.stubbornPastTheDeadline()))
                .withAction(1, idle(EventActions.availableFromOutside()))
                .withAction(1, idle(EventActions.inetDisableWhileBlockedInReadLine()))
                .withMaxTransformations(maxActions);
    }

    // ------------------------------------------------------------------ load

    /**
     * An action that only runs while the carriers are not saturated. Under load (after {@link #saturate()}) a chain
     * goes on only with what ends the load: stopping or disconnecting the saturated server (also from several threads
     * at once) or closing the runtime. Everything else waits, because on JDK 25 with its default poller mode a virtual
     * thread that is started or woken from outside the busy carriers - a new client's handler, an event thread, an
     * idle handler being disconnected - may not run at all while the load lasts (docs/saturation.md): no runtime can
     * join such a thread in time, so that is the JDK's to fix, not a guarantee these chains can check.
     */
    static Action.Independent<World> idle(Action.Independent<World> action) {
        return new Action.Independent<>() {
            @Override
            public boolean precondition(World w) {
                return !w.loaded() && action.precondition(w);
            }

            @Override
            public Arbitrary<Transformer<World>> transformer() {
                return action.transformer().map(t -> new Transformer<World>() {
                    private volatile boolean skipped;

                    @Override
                    public World apply(World w) {
                        skipped = w.loaded(); // a shrunk chain may replay it under load
                        return skipped ? w : t.apply(w);
                    }

                    @Override
                    public String transformation() {
                        return skipped ? "(skipped under load: " + t.transformation() + ")" : t.transformation();
                    }
                });
            }
        };
    }

    // ------------------------------------------------------------------ steps

    interface Body {
        /** Performs the step and returns its description. */
        String apply(World w) throws Exception;
    }

    /** A transformer that reports what it did in its latest run. */
    static final class Step implements Transformer<World> {
        private final String generic;
        private final Body body;
        private volatile String applied;

        Step(String generic, Body body) {
            this.generic = generic;
            this.body = body;
        }

        @Override
        public World apply(World w) {
            applied = null;
            boolean loaded = w.loaded();
            int at = w.journal.size();
            w.journal.add(generic + " <- failed here");
            try {
                applied = body.apply(w);
                w.journal.set(at, applied);
                if (loaded && !applied.startsWith("(skipped")) {
                    Statistics.label("under load").collect(generic); // which actions met saturated carriers
                }
                // the invariants run inside the step rather than as a jqwik invariant, so that every failure has the
                // same type and jqwik's shrinker treats all of them as the same error
                w.check();
            } catch (AssertionError e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError(generic + ": " + e, e);
            }
            return w;
        }

        @Override
        public String transformation() {
            return applied != null ? applied : generic;
        }
    }

    interface ClientBody {
        String apply(World w, ClientModel c) throws Exception;
    }

    private interface ServerBody {
        String apply(World w, ServerModel s) throws Exception;
    }

    /** An action on the {@code k}-th client that satisfies {@code p} when it runs. */
    static Action.Independent<World> onClient(Predicate<ClientModel> p, String generic,
                                                      Arbitrary<ClientBody> bodies) {
        return new Action.Independent<>() {
            @Override
            public boolean precondition(World w) {
                return w.clients.stream().anyMatch(p);
            }

            @Override
            public Arbitrary<Transformer<World>> transformer() {
                return Combinators.combine(Arbitraries.integers().between(0, MAX_CLIENTS - 1), bodies).as((k, body) ->
                        new Step(generic, x -> {
                            // under load no single client is touched (see idle())
                            List<ClientModel> qualifying = x.loaded() ? List.of()
                                    : x.clients.stream().filter(p).toList();
                            if (qualifying.isEmpty()) {
                                return "(skipped: no client for '" + generic + "')";
                            }
                            return body.apply(x, qualifying.get(k % qualifying.size()));
                        }));
            }
        };
    }

    /** An action on the {@code k}-th server that satisfies {@code p} when it runs. */
    private static Action.Independent<World> onServer(Predicate<ServerModel> p, String generic,
                                                      Arbitrary<ServerBody> bodies) {
        return new Action.Independent<>() {
            @Override
            public boolean precondition(World w) {
                return w.servers.stream().anyMatch(p);
            }

            @Override
            public Arbitrary<Transformer<World>> transformer() {
                return Combinators.combine(Arbitraries.integers().between(0, MAX_SERVERS - 1), bodies).as((k, body) ->
                        new Step(generic, x -> {
                            // under load only the saturated server is stopped or disconnected (see idle())
                            List<ServerModel> qualifying = x.servers.stream().filter(p)
                                    .filter(s -> !x.loaded() || s.saturated).toList();
                            if (qualifying.isEmpty()) {
                                return "(skipped: no server for '" + generic + "')";
                            }
                            return body.apply(x, qualifying.get(k % qualifying.size()));
                        }));
            }
        };
    }

    private static boolean established(ClientModel c) {
        return c.state == ClientState.ESTABLISHED;
    }

    private static boolean clientSideOpen(ClientModel c) {
        return established(c) || c.state == ClientState.ORPHANED;
    }

    /** Lines are generated for the largest limit and cut to the target's limit when the step runs. */
    private static String fit(String line, int maxBytes) {
        String s = line;
        while (Generators.utf8Length(s) > maxBytes) {
            s = s.substring(0, s.offsetByCodePoints(s.length(), -1));
        }
        return s;
    }

    private static Arbitrary<String> anyLine() {
        return Arbitraries.of(Generators.MAX_LINE_LENGTHS).flatMap(Generators::lines);
    }

    // ------------------------------------------------------------------ actions

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

    private static String describe(ServerOptions o) {
        return "{maxClients=" + o.maxClients() + ", idleTimeout=" + o.idleTimeout() + ", joinDeadline="
                + o.joinDeadline() + ", maxLine=" + o.clientOptions().maxLineLength()
                + (o.tls() != null ? ", tls" : "")
                + (o.proxyProtocol() == ProxyProtocol.OFF ? "" : ", proxyProtocol=" + o.proxyProtocol()) + "}";
    }

    static Action.Independent<World> connect() {
        Action.Independent<World> a = onServer(s -> true, "connect a client", Arbitraries.of(false, true).map(async ->
                (x, s) -> {
                    if (x.clients.size() >= MAX_CLIENTS) {
                        return "(skipped: connect, already " + MAX_CLIENTS + " clients)";
                    }
                    return "connect " + x.connect(s.id, async) + " to " + s.name()
                            + (async ? " (connectAsync, events)" : " (sync)") + (s.suspended ? " while suspended" : "");
                }));
        return new Action.Independent<>() {
            @Override
            public boolean precondition(World w) {
                return !w.servers.isEmpty() && w.clients.size() < MAX_CLIENTS;
            }

            @Override
            public Arbitrary<Transformer<World>> transformer() {
                return a.transformer();
            }
        };
    }

    static Action.Independent<World> echoLine() {
        return onClient(LifecycleActions::established, "echo a line", anyLine().map(line -> (x, c) -> {
            String fitted = fit(line, c.server.maxLine);
            x.echoLine(c.id, fitted);
            return "echo line " + quote(fitted) + " on " + c.name();
        }));
    }

    static Action.Independent<World> echoBinary() {
        return onClient(c -> established(c) && c.events == null, "echo binary bytes", Generators.binary().map(data ->
                (x, c) -> {
                    x.echoBinary(c.id, data);
                    return "echo " + data.length + " binary bytes on " + c.name();
                }));
    }

    static Action.Independent<World> startTls() {
        return onClient(c -> established(c) && c.events == null && !c.server.tls && !c.startedTls && !c.outputShut,
                "upgrade a plain client with STARTTLS", Arbitraries.just((x, c) -> {
                    x.startTls(c.id);
                    return "upgrade " + c.name() + " to TLS with STARTTLS";
                }));
    }

    static Action.Independent<World> tooLongLine() {
        return onClient(LifecycleActions::established, "send a too long line", Arbitraries.just((x, c) -> {
            x.tooLongLine(c.id);
            return "send a line of maxLine+1 bytes on " + c.name() + " (its handler gets LINE_TOO_LONG)";
        }));
    }

    static Action.Independent<World> disconnectClientSide() {
        return onClient(LifecycleActions::clientSideOpen, "disconnect a client from the client side",
                Arbitraries.of(false, true).map(abort -> (x, c) -> {
                    String what = (abort ? "abort (RST) " : "disconnect ") + c.name() + " from the client side";
                    x.disconnectClientSide(c.id, abort);
                    return what;
                }));
    }

    static Action.Independent<World> disconnectServerSide() {
        return onClient(c -> c.rec != null, "disconnect a client from the server side", Arbitraries.just((x, c) -> {
            String what = "disconnect " + c.name() + " from the server side" + (c.state == ClientState.WORKING
                    ? " (its handler is working)" : "");
            x.disconnectServerSide(c.id);
            return what;
        }));
    }

    static Action.Independent<World> selfDisconnect() {
        return onClient(LifecycleActions::established, "let a handler disconnect itself", Arbitraries.just((x, c) -> {
            x.selfDisconnect(c.id);
            return "let the handler of " + c.name() + " disconnect itself";
        }));
    }

    static Action.Independent<World> halfClose() {
        return onClient(c -> established(c) && !c.outputShut, "half-close a client", anyLine().map(line -> (x, c) -> {
            String fitted = fit(line, c.server.maxLine);
            x.halfClose(c.id, fitted);
            return "half-close " + c.name() + " after sending " + quote(fitted);
        }));
    }

    static Action.Independent<World> enableEvents() {
        return onClient(c -> established(c) && c.events == null, "enable events", Arbitraries.just((x, c) -> {
            x.enableEvents(c.id);
            return "enable events on " + c.name();
        }));
    }

    static Action.Independent<World> disableEvents() {
        return onClient(c -> c.events != null, "disable events", Arbitraries.just((x, c) -> {
            x.disableEvents(c.id);
            return "disable events on " + c.name();
        }));
    }

    static Action.Independent<World> enableEventsOnHandlerConnection() {
        return onClient(c -> established(c) && c.rec != null, "enable events on a handler's connection",
                Arbitraries.just((x, c) -> {
                    x.enableEventsOnHandlerConnection(c.id);
                    return "try to enable events on the handler-managed side of " + c.name() + " (INVALID_ARGUMENT)";
                }));
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

    static Action.Independent<World> startWork() {
        return onClient(LifecycleActions::established, "let a handler work", Arbitraries.just((x, c) -> {
            x.startWork(c.id);
            return "let the handler of " + c.name() + " start working (it ignores its peer until released)";
        }));
    }

    /**
     * Saturates the carriers: 2-6 new connections to a server (within its client limit) ping-pong lines with their
     * handlers as fast as they can until the server stops or the runtime closes, so that the stop, disconnect and
     * close action after it is checked under load: the usual invariants, and that it returns promptly.
     */
    static Action.Independent<World> saturate() {
        return onServer(LifecycleActions::canSaturate, "saturate the carriers",
                Arbitraries.integers().between(2, 6).map(n -> (x, s) -> {
                    List<String> busy = canSaturate(s) ? x.saturate(s.id, n) : List.of();
                    return busy.isEmpty() ? "(skipped: saturate, no room for clients on " + s.name() + ")"
                            : "saturate the carriers: " + busy.size() + " busy ping-pong connections to " + s.name()
                            + " (" + busy.getFirst() + ".." + busy.getLast() + ")";
                }));
    }

    /** Room for busy clients, which speak no PROXY protocol: a server that requires a header is left to others. */
    private static boolean canSaturate(ServerModel s) {
        return hasRoom(s) && !s.proxy;
    }

    /** Not suspended (new clients would wait in the backlog) and below its client limit. */
    private static boolean hasRoom(ServerModel s) {
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
        Action.Independent<World> clientSide = onClient(LifecycleActions::clientSideOpen, "concurrent client-side disconnect",
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

    static Action.Independent<World> staleInetHandle() {
        return onServer(s -> !s.suspended, "use a stale Inet handle", Arbitraries.just((x, s) ->
                x.staleInetHandle(s.id)
                        ? "Inet: connect to " + s.name() + ", disconnect, use the stale handle (INVALID_HANDLE), connect again"
                        : "(skipped: Inet handle step, " + s.name() + " is at its client limit)"));
    }

    /**
     * Through the Inet facade, with a reader blocked without a read timeout: isReadable returns false in time, and
     * disconnect ends the blocked read (NOT_CONNECTED) and its thread and leaves the handle stale.
     */
    static Action.Independent<World> inetBlockedRead() {
        return onServer(s -> !s.suspended, "end a blocked Inet read with Inet.disconnect",
                Arbitraries.of(false, true).map(readLine -> (x, s) -> {
                    String call = readLine ? "Inet.readLine" : "Inet.read";
                    return x.inetBlockedRead(s.id, readLine)
                            ? "Inet: connect to " + s.name() + " (no read timeout), block a thread in " + call
                                    + ", Inet.isReadable(" + World.IS_READABLE_MILLIS + " ms) returns false in time, "
                                    + "Inet.disconnect ends the read (NOT_CONNECTED) and its thread, the handle is stale"
                            : "(skipped: Inet blocked-read step, " + s.name() + " is suspended or at its client limit)";
                }));
    }

    static Action.Independent<World> badProxyHeader() {
        return onServer(s -> s.proxy, "send a bad PROXY header", Generators.badProxyHeaders().map(bytes -> (x, s) ->
                x.badProxyHeader(s.id, bytes)
                        ? "send a bad PROXY header (" + bytes.length + " bytes) to " + s.name() + " (closed before "
                                + "any handler, counted)"
                        : "(skipped: bad PROXY header, " + s.name() + " is suspended or at its client limit)"));
    }

    static Action.Independent<World> closeRuntime() {
        return Action.just(new Step("close the runtime (and open a new one)", w -> {
            w.closeRuntime();
            return "close the runtime (and open a new one)";
        }));
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 0 -> b.append("\\0");
                default -> b.appendCodePoint(cp);
            }
        });
        String q = b.append('"').toString();
        return q.length() > 40 ? q.substring(0, 20) + "..." + q.substring(q.length() - 10) + " ("
                + Generators.utf8Length(s) + " bytes)" : q;
    }
}
