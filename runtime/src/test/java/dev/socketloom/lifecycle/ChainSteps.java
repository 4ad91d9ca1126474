package dev.socketloom.lifecycle;

import dev.socketloom.lifecycle.Model.ClientModel;
import dev.socketloom.lifecycle.Model.ServerModel;
import java.util.List;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.Transformer;
import net.jqwik.api.statistics.Statistics;

/**
 * The chain machinery the actions are built from, apart from any one area: a {@link Step} runs its body, records what
 * it really did in the world's journal and checks the invariants after it; {@link #onClient}/{@link #onServer} pick a
 * qualifying target by position when the step runs (so a shrunk chain never acts on a stale identity); {@link #idle}
 * holds an action back while the carriers are saturated.
 */
final class ChainSteps {
    private ChainSteps() {
    }

    static final int MAX_SERVERS = 3;

    static final int MAX_CLIENTS = 8;


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

    interface ServerBody {
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
    static Action.Independent<World> onServer(Predicate<ServerModel> p, String generic,
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
