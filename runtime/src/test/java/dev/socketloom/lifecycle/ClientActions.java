package dev.socketloom.lifecycle;

import static dev.socketloom.lifecycle.ChainSteps.*;

import dev.socketloom.lifecycle.Model.ClientModel;
import dev.socketloom.lifecycle.Model.ClientState;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.Transformer;

/** The actions on one client: connect, echo, STARTTLS, half-close, disconnects, events, work. */
final class ClientActions {
    private ClientActions() {
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
        return onClient(ClientActions::established, "echo a line", anyLine().map(line -> (x, c) -> {
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
        return onClient(ClientActions::established, "send a too long line", Arbitraries.just((x, c) -> {
            x.tooLongLine(c.id);
            return "send a line of maxLine+1 bytes on " + c.name() + " (its handler gets LINE_TOO_LONG)";
        }));
    }

    static Action.Independent<World> disconnectClientSide() {
        return onClient(ClientActions::clientSideOpen, "disconnect a client from the client side",
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
        return onClient(ClientActions::established, "let a handler disconnect itself", Arbitraries.just((x, c) -> {
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

    static Action.Independent<World> startWork() {
        return onClient(ClientActions::established, "let a handler work", Arbitraries.just((x, c) -> {
            x.startWork(c.id);
            return "let the handler of " + c.name() + " start working (it ignores its peer until released)";
        }));
    }

    static boolean established(ClientModel c) {
        return c.state == ClientState.ESTABLISHED;
    }

    static boolean clientSideOpen(ClientModel c) {
        return established(c) || c.state == ClientState.ORPHANED;
    }

    /** Lines are generated for the largest limit and cut to the target's limit when the step runs. */
    static String fit(String line, int maxBytes) {
        String s = line;
        while (Generators.utf8Length(s) > maxBytes) {
            s = s.substring(0, s.offsetByCodePoints(s.length(), -1));
        }
        return s;
    }

    static Arbitrary<String> anyLine() {
        return Arbitraries.of(Generators.MAX_LINE_LENGTHS).flatMap(Generators::lines);
    }
}
