package dev.socketloom.lifecycle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.socketloom.Event;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.SocketRuntime;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.Supplier;

/**
 * Steps on one client: connect (plain, TLS, PROXY, async), echo, STARTTLS, half-close, disconnect from either side or
 * from the handler itself, events on and off, load; each checks its guarantee the moment the call returns and updates
 * the model.
 */
abstract class ClientSteps extends ProxySteps {
    ClientSteps(Supplier<SocketRuntime> runtimes) {
        super(runtimes);
    }

    /** Connects a new client; returns its name (and what became of it). */
    String connect(int serverId, boolean async) throws Exception {
        ServerModel sm = server(serverId);
        if (sm.tls && sm.suspended) {
            // connect returns (or CONNECT fires) only after the handshake, which a suspended server does not start
            return "(skipped: a TLS client of suspended " + sm.name() + ")";
        }
        ClientModel cm = new ClientModel(++clientIds, sm, async);
        boolean overLimit = !sm.suspended && overLimit(sm);
        if (async) {
            cm.events = new EventLog(cm.name(), violations);
            cm.conn = rt.connectAsync("127.0.0.1", sm.server.port(), clientSideOptions(sm), cm.events);
            clients.add(cm);
            await(cm.events.connected, cm.name() + " CONNECT");
            if (!overLimit) {
                assertEquals(Event.CONNECT, cm.events.events.get(0), () -> cm.name() + " connected asynchronously; "
                        + "errors: " + cm.events.errors);
            }
        } else {
            try {
                cm.conn = rt.connect("127.0.0.1", sm.server.port(), clientSideOptions(sm));
            } catch (InetException e) {
                // over the limit the server resets the connection; a TLS client may see it as a failed handshake
                if (!overLimit || (e.error() != InetError.CONNECTION_RESET
                        && !(sm.tls && e.error() == InetError.TLS_HANDSHAKE_FAILED))) {
                    throw e;
                }
                sm.rejected++; // reset by the server's limit before connect() even returned
                return cm.name() + " (rejected by the client limit during connect)";
            }
            clients.add(cm);
        }
        try {
            if (sm.proxy) {
                cm.conn.write(proxyHeader(cm)); // what a load balancer sends first
            }
            cm.conn.writeLine(hello(cm));
        } catch (InetException e) {
            // a rejected client may already have been reset (and, with events, closed by its event thread)
            if (!overLimit || (e.error() != InetError.CONNECTION_RESET && e.error() != InetError.NOT_CONNECTED)) {
                throw e;
            }
        }
        if (sm.suspended) {
            cm.state = ClientState.PENDING;
            sm.pending.add(cm);
            return cm.name() + " (waiting in the backlog)";
        }
        return cm.name() + (admit(cm) ? "" : " (rejected by the client limit)");
    }

    /** The server takes {@code cm} (echoes its hello; true) or rejects it at its client limit (false). */
    boolean admit(ClientModel cm) throws Exception {
        ServerModel sm = cm.server;
        if (overLimit(sm)) {
            sm.rejected++;
            if (cm.events != null) {
                awaitPumpEnd(cm);
                retire(cm);
            } else {
                try {
                    assertNull(cm.conn.readLine(), cm.name() + " over the client limit reads end of stream");
                } catch (InetException e) {
                    assertEquals(InetError.CONNECTION_RESET, e.error(), cm.name() + " over the client limit: " + e);
                }
                cm.conn.disconnect();
                retire(cm);
            }
            return false;
        }
        assertEquals(hello(cm), receive(cm), cm.name() + " hello echo");
        HandlerRecord rec = sm.byClientPort.get(cm.conn.localAddress().getPort());
        assertNotNull(rec, cm.name() + " has a handler on " + sm.name());
        if (sm.proxy) {
            assertEquals(proxiedAddress(cm), rec.conn.remoteAddress().getAddress(),
                    "L14: the server side of " + cm.name() + " reports the client named by its PROXY header");
            assertEquals(cm.conn.localAddress(), rec.conn.proxyAddress(), "L14: proxyAddress() is the TCP peer");
        }
        cm.rec = rec;
        cm.state = ClientState.ESTABLISHED;
        sm.accepted++;
        return true;
    }

    String receive(ClientModel cm) throws Exception {
        if (cm.events != null) {
            String line = cm.events.inbox.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(line, cm.name() + ": no line delivered through READ events within " + DEADLINE);
            return line;
        }
        return cm.conn.readLine();
    }

    void echoLine(int clientId, String line) throws Exception {
        ClientModel cm = client(clientId);
        cm.conn.writeLine(line);
        assertEquals(line, receive(cm), cm.name() + " line echo must be byte-exact");
    }

    void echoBinary(int clientId, byte[] data) throws Exception {
        ClientModel cm = client(clientId);
        cm.conn.writeLine("BIN " + data.length);
        cm.conn.write(data);
        byte[] back = new byte[data.length];
        cm.conn.readFully(back, 0, back.length);
        assertArrayEquals(data, back, cm.name() + " binary echo must be byte-exact");
    }

    /** STARTTLS: the client asks, the handler answers GO and upgrades its side, the client upgrades its own. */
    void startTls(int clientId) throws Exception {
        ClientModel cm = client(clientId);
        cm.conn.writeLine("STARTTLS");
        assertEquals("GO", cm.conn.readLine(), cm.name() + " STARTTLS answer");
        cm.conn.startTls(Generators.clientTls());
        cm.startedTls = true;
        assertTrue(cm.conn.isSecure(), cm.name() + " secure after startTls");
        assertEquals(InetError.INVALID_ARGUMENT, assertThrowsInet(() -> cm.conn.startTls(Generators.clientTls())),
                cm.name() + ": a second startTls is refused");
    }

    void tooLongLine(int clientId) throws Exception {
        ClientModel cm = client(clientId);
        HandlerRecord rec = cm.rec;
        cm.conn.writeLine(Generators.tooLong(cm.server.maxLine));
        // the handler's readLine fails with LINE_TOO_LONG, the handler ends, the runtime closes the connection
        awaitTermination(rec.thread, "handler of " + cm.name() + " after LINE_TOO_LONG");
        serverSideGone(cm);
        peerClosed(cm, false);
    }

    void disconnectClientSide(int clientId, boolean abort) throws Exception {
        ClientModel cm = client(clientId);
        EventLog ev = cm.events;
        Thread pump = ev != null ? ev.thread : null;
        if (abort) {
            cm.conn.abort();
        } else {
            cm.conn.disconnect();
        }
        if (ev != null) {
            ev.forbidden = true;
        }
        clientSideClosedNow(cm, pump, abort ? "abort()" : "disconnect()");
        HandlerRecord rec = cm.rec;
        if (rec != null) {
            awaitTermination(rec.thread, "handler of " + cm.name() + " after its peer closed");
            serverSideGone(cm);
        }
        retire(cm);
    }

    void disconnectServerSide(int clientId) throws Exception {
        ClientModel cm = client(clientId);
        HandlerRecord rec = cm.rec;
        rec.conn.disconnect();
        rec.forbidden = true;
        serverSideClosedNow(cm, rec, "disconnect()");
        serverSideGone(cm);
        peerClosed(cm, false);
    }

    void selfDisconnect(int clientId) throws Exception {
        ClientModel cm = client(clientId);
        HandlerRecord rec = cm.rec;
        cm.conn.writeLine("SELF");
        awaitTermination(rec.thread, "handler of " + cm.name() + " after disconnecting itself (L5)");
        assertEquals("ok", rec.selfDisconnect, "L5: disconnect() inside the handler of " + cm.name());
        serverSideGone(cm);
        peerClosed(cm, false);
    }

    void halfClose(int clientId, String lastLine) throws Exception {
        ClientModel cm = client(clientId);
        HandlerRecord rec = cm.rec;
        cm.conn.writeLine(lastLine);
        cm.conn.shutdownOutput();
        cm.outputShut = true;
        assertEquals(lastLine, receive(cm), "L10: a line written before shutdownOutput() is echoed exactly");
        awaitTermination(rec.thread, "handler of " + cm.name() + " after the half-close");
        serverSideGone(cm);
        if (cm.events == null) {
            assertInetError(InetError.OUTPUT_SHUTDOWN, () -> cm.conn.writeLine("x"), cm.name() + " write after half-close");
        }
        peerClosed(cm, false);
    }

    void enableEvents(int clientId) throws Exception {
        ClientModel cm = client(clientId);
        EventLog ev = new EventLog(cm.name(), violations);
        cm.conn.enableEvents(ev, EnumSet.allOf(Event.class));
        cm.events = ev;
        await(ev.connected, cm.name() + " CONNECT after enableEvents");
        assertTrue(cm.conn.eventsEnabled(), cm.name() + " events enabled");
    }

    void disableEvents(int clientId) throws Exception {
        ClientModel cm = client(clientId);
        EventLog ev = cm.events;
        Thread pump = ev.thread;
        cm.conn.disableEvents();
        ev.forbidden = true;
        assertFalse(pump.isAlive(), "L4: the event thread of " + cm.name() + " was alive when disableEvents() returned");
        assertFalse(cm.conn.eventsEnabled(), cm.name() + " events still enabled");
        assertTrue(cm.conn.isConnected(), cm.name() + ": disableEvents() must leave the connection open");
        String order = ev.orderProblem();
        assertNull(order, order);
        cm.events = null;
    }

    void enableEventsOnHandlerConnection(int clientId) throws Exception {
        ClientModel cm = client(clientId);
        assertInetError(InetError.INVALID_ARGUMENT, () -> cm.rec.conn.enableEvents((c, e, x) -> { }, EnumSet.allOf(Event.class)),
                "enableEvents on the connection a handler thread manages");
    }

    void startWork(int clientId) throws Exception {
        ClientModel cm = client(clientId);
        cm.conn.writeLine("WORK");
        await(cm.rec.working, "handler of " + cm.name() + " starting its work");
        cm.state = ClientState.WORKING;
    }
}
