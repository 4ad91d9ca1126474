package dev.socketloom.lifecycle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.ConnectionHandler;
import dev.socketloom.Event;
import dev.socketloom.EventHandler;
import dev.socketloom.inet.Inet;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.ProxyHeader;
import dev.socketloom.ProxyProtocol;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.SocketRuntime;
import dev.socketloom.StopResult;
import dev.socketloom.testing.LeakCheckExtension;
import dev.socketloom.testing.PingPong;
import dev.socketloom.testing.ProxyHeaders;
import dev.socketloom.testing.TestSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.function.Supplier;

/**
 * One try of a lifecycle chain: a real {@link SocketRuntime} on loopback plus a model of what it must contain
 * (servers, their clients on both sides, event registrations, threads and sockets), kept in step by the actions in
 * {@link LifecycleActions} and compared with reality by {@link #check()} after every action.
 *
 * <p>Guarantees that hold when a call returns (L1, L2, L4, L5, L8) are asserted right after the call, without waiting.
 * Effects the runtime cannot report synchronously (a handler noticing that its peer closed, the watchdog thread
 * retiring) are awaited with a generous deadline and then asserted exactly; "nothing closed early" holds because the
 * counts must meet the model from above or below and stay there, and a mismatch after the deadline fails the try.
 *
 * <p>Not thread-safe: actions run on the property's thread; handlers and event callbacks only touch the concurrent
 * fields ({@link HandlerRecord}, {@link EventLog}, {@link #violations}).
 */
final class World {
    static final Duration DEADLINE = TestSupport.DEADLINE;
    /** Dead handles kept for re-checking after every action (bounded so long chains stay cheap). */
    private static final int DEAD_KEPT = 24;
    /**
     * Handlers spend this long in cleanup when they end (a real handler flushes logs, releases resources): it makes a
     * disconnect that returns before the handler ended (a broken L1 join) observable instead of a lucky race.
     */
    private static final long HANDLER_CLEANUP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    final LeakCheckExtension.Snapshot baseline;
    final long baselineSockets;
    SocketRuntime rt;
    final List<ServerModel> servers = new ArrayList<>();
    /** Clients whose client-side connection is still open. */
    final List<ClientModel> clients = new ArrayList<>();
    final Queue<String> violations = new ConcurrentLinkedQueue<>();
    /** The timeout actions' connections and checks (TimeoutActions). */
    final TimeoutProbes timeouts = new TimeoutProbes();
    final EventSteps eventSteps = new EventSteps();
    private final ArrayDeque<Connection> deadConnections = new ArrayDeque<>();
    private final ArrayDeque<Server> deadServers = new ArrayDeque<>();
    private int serverIds;
    private int clientIds;
    private int runtimes = 1;

    /** Opens every runtime of this world: the real one, or a deliberately broken one for the self-test. */
    private final Supplier<SocketRuntime> opener;

    World(Supplier<SocketRuntime> runtimes) {
        this.opener = runtimes;
        try {
            baseline = LeakCheckExtension.Snapshot.take();
            baselineSockets = TestSupport.openSockets();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rt = opener.get();
    }

    // ------------------------------------------------------------------ model

    /**
     * Where a client stands. BUSY: its own thread ping-pongs lines with the handler as fast as it can (load that keeps
     * the carriers busy) until its server stops or the runtime closes; no other action uses it meanwhile, and once its
     * server side is gone it disconnects and leaves the model.
     */
    enum ClientState { PENDING, ESTABLISHED, WORKING, BUSY, ORPHANED }

    /** A server the model believes is running. */
    static final class ServerModel {
        final int id;
        final ServerOptions options;
        final int maxLine;
        /** Clients must start with a PROXY header (L14); each gets a header naming a TEST-NET-3 client. */
        final boolean proxy;
        Server server;
        boolean suspended;
        long accepted;
        long rejected;
        long proxyFailures;
        final List<ClientModel> pending = new ArrayList<>();
        final Map<Integer, HandlerRecord> byClientPort = new ConcurrentHashMap<>();
        /** Set when disconnect/stop/runtime close returned: no handler code may run afterwards (L4). */
        volatile boolean forbidden;
        /** Its busy clients keep the carriers saturated (all busy clients of the world are on this one server). */
        boolean saturated;

        final boolean tls;

        ServerModel(int id, ServerOptions options) {
            this.tls = options.tls() != null;
            this.id = id;
            this.options = options;
            this.maxLine = options.clientOptions().maxLineLength();
            this.proxy = options.proxyProtocol() != ProxyProtocol.OFF;
        }

        String name() {
            return "S" + id;
        }
    }

    /** One client: its client-side connection and, while it lives, the server side (handler record). */
    static final class ClientModel {
        final int id;
        final ServerModel server;
        final boolean async;
        Connection conn;
        ClientState state;
        HandlerRecord rec;
        EventLog events;
        boolean outputShut;
        /** Upgraded with STARTTLS (clients of TLS servers are secure from the start). */
        boolean startedTls;

        /** The ping-pong thread while BUSY, kept until it has been joined. */
        PingPong busy;

        ClientModel(int id, ServerModel server, boolean async) {
            this.id = id;
            this.server = server;
            this.async = async;
        }

        String name() {
            return "C" + id;
        }

        @Override
        public String toString() {
            return name() + "(" + state + (events != null ? ", events" : "") + ")";
        }
    }

    /** What a handler reports about itself. */
    static final class HandlerRecord {
        final Connection conn;
        final Thread thread;
        final CountDownLatch working = new CountDownLatch(1);
        final CountDownLatch gate = new CountDownLatch(1);
        volatile boolean forbidden;
        volatile String selfDisconnect;

        HandlerRecord(Connection conn, Thread thread) {
            this.conn = conn;
            this.thread = thread;
        }
    }

    /** Records the events of one registration (async connect or enableEvents) and checks L4 on every callback. */
    static final class EventLog implements EventHandler {
        final String owner;
        final Queue<String> violations;
        final List<Event> events = new CopyOnWriteArrayList<>();
        final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        final CountDownLatch connected = new CountDownLatch(1);
        final CountDownLatch ended = new CountDownLatch(1);
        final Queue<InetException> errors = new ConcurrentLinkedQueue<>();
        volatile Thread thread;
        volatile boolean forbidden;

        EventLog(String owner, Queue<String> violations) {
            this.owner = owner;
            this.violations = violations;
        }

        @Override
        public void onEvent(Connection c, Event event, InetException error) throws Exception {
            thread = Thread.currentThread();
            if (forbidden) {
                violations.add("L4: " + owner + " received " + event + " after the call that ended its events returned");
            }
            events.add(event);
            if (error != null) {
                errors.add(error);
            }
            switch (event) {
                case CONNECT -> connected.countDown();
                case READ -> {
                    String line = c.readLine();
                    if (line != null) {
                        inbox.add(line);
                    }
                }
                case DISCONNECT, ERROR -> {
                    connected.countDown();
                    ended.countDown();
                }
                default -> {
                }
            }
        }

        /** CONNECT, WRITE, then READ/TIMEOUT, then at most one terminal event, nothing after it. */
        String orderProblem() {
            List<Event> seen = List.copyOf(events);
            for (int i = 0; i < seen.size(); i++) {
                Event e = seen.get(i);
                boolean ok = switch (i) {
                    case 0 -> e == Event.CONNECT || e == Event.ERROR;
                    case 1 -> e == Event.WRITE || terminal(e);
                    default -> e == Event.READ || e == Event.TIMEOUT || terminal(e);
                };
                if (!ok || (i > 0 && terminal(seen.get(i - 1)))) {
                    return owner + " saw events in a forbidden order: " + seen;
                }
            }
            return null;
        }

        private static boolean terminal(Event e) {
            return e == Event.DISCONNECT || e == Event.ERROR || e == Event.CANCEL;
        }
    }

    // ------------------------------------------------------------------ handler

    private ConnectionHandler handler(ServerModel sm) {
        return c -> {
            HandlerRecord rec = new HandlerRecord(c, Thread.currentThread());
            sm.byClientPort.put(c.remoteAddress().getPort(), rec);
            try {
                String line;
                while ((line = c.readLine()) != null) {
                    allowed(sm, rec, "read a line");
                    if (line.equals("SELF")) {
                        c.disconnect(); // L5: must return although this thread manages the connection
                        rec.selfDisconnect = c.isConnected() ? "still connected after disconnect()" : "ok";
                        return;
                    } else if (line.equals("WORK")) {
                        rec.working.countDown();
                        try {
                            rec.gate.await();
                        } catch (InterruptedException stopRequest) {
                            return; // a well-behaved handler treats the disconnect's interrupt as "stop now"
                        }
                        allowed(sm, rec, "finish its work");
                        c.writeLine("DONE");
                        return;
                    } else if (line.equals("STARTTLS")) {
                        c.writeLine("GO");
                        c.startTls(Generators.serverTls()); // explicit TLS, on the handler's own thread
                    } else if (line.startsWith("BIN ")) {
                        byte[] data = new byte[Integer.parseInt(line.substring(4))];
                        c.readFully(data, 0, data.length);
                        c.write(data);
                    } else {
                        c.writeLine(line);
                    }
                }
            } finally {
                cleanup();
                allowed(sm, rec, "finish");
            }
        };
    }

    private void allowed(ServerModel sm, HandlerRecord rec, String what) {
        if (sm.forbidden || rec.forbidden) {
            violations.add("L4: a handler of " + sm.name() + " ran (" + what + ") after the disconnect/stop/close "
                    + "that ended it had returned");
        }
    }

    private static void cleanup() {
        boolean interrupted = Thread.interrupted();
        long end = System.nanoTime() + HANDLER_CLEANUP_NANOS;
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ lookups

    ServerModel server(int id) {
        return servers.stream().filter(s -> s.id == id).findFirst().orElseThrow();
    }

    ClientModel client(int id) {
        return clients.stream().filter(c -> c.id == id).findFirst().orElseThrow();
    }

    List<ClientModel> serverSide(ServerModel sm) {
        return clients.stream().filter(c -> c.server == sm && c.rec != null).toList();
    }

    private ConnectOptions clientSideOptions(ServerModel sm) {
        // a read timeout on the client side only: a missing echo fails the try instead of hanging it
        return sm.options.clientOptions().toBuilder().readTimeout(DEADLINE)
                .tls(sm.tls ? Generators.clientTls() : null).build();
    }

    // ------------------------------------------------------------------ actions

    /** Starts a server; returns its name. */
    String startServer(ServerOptions options) throws Exception {
        ServerModel sm = new ServerModel(++serverIds, options);
        sm.server = rt.startServer(options, handler(sm));
        assertTrue(sm.server.isRunning() && sm.server.isAccepting(), "a new server runs and accepts");
        servers.add(sm);
        return sm.name();
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

    private boolean overLimit(ServerModel sm) {
        int max = sm.options.maxClients();
        return max > 0 && serverSide(sm).size() >= max;
    }

    private static String hello(ClientModel cm) {
        return "hello " + cm.name();
    }

    /** The client a proxy would name for {@code cm}: a TEST-NET-3 address, with the real local port as its port. */
    private static InetAddress proxiedAddress(ClientModel cm) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, (byte) (1 + cm.id % 250)});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Version 1 for odd clients, version 2 with a TLV and a CRC32C for even ones. */
    private static byte[] proxyHeader(ClientModel cm) {
        InetSocketAddress local = cm.conn.localAddress(); // null if the connection was already refused
        InetSocketAddress client = new InetSocketAddress(proxiedAddress(cm), local == null ? 0 : local.getPort());
        InetSocketAddress front = new InetSocketAddress(InetAddress.getLoopbackAddress(), cm.server.server.port());
        return cm.id % 2 == 1 ? ProxyHeaders.v1(client, front) : ProxyHeaders.v2(client, front,
                List.of(new ProxyHeader.Tlv(ProxyHeader.TYPE_UNIQUE_ID, ("id-" + cm.id).getBytes())), true);
    }

    /** The server takes {@code cm} (echoes its hello; true) or rejects it at its client limit (false). */
    private boolean admit(ClientModel cm) throws Exception {
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

    private String receive(ClientModel cm) throws Exception {
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

    private static InetError assertThrowsInet(Call call) {
        try {
            call.run();
        } catch (InetException e) {
            return e.error();
        } catch (Exception e) {
            throw new AssertionError("expected an InetException, got " + e, e);
        }
        throw new AssertionError("expected an InetException, but the call succeeded");
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

    /** L1 at the moment the call returned. */
    private void clientSideClosedNow(ClientModel cm, Thread pump, String call) {
        assertFalse(cm.conn.isConnected(), cm.name() + " still connected after " + call + " returned");
        if (pump != null) {
            assertFalse(pump.isAlive(), "L1: the event thread of " + cm.name() + " was alive when " + call
                    + " returned");
        }
        assertFalse(rt.connections().contains(cm.conn), "L1: " + cm.name() + " still registered after " + call);
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

    private void serverSideClosedNow(ClientModel cm, HandlerRecord rec, String call) {
        assertFalse(rec.thread.isAlive(), "L1: the handler thread of " + cm.name() + " was alive when the "
                + "server-side " + call + " returned");
        assertFalse(rec.conn.isConnected(), "server side of " + cm.name() + " connected after " + call);
        assertFalse(cm.server.server.clients().contains(rec.conn), "L1: " + cm.name() + " still in clients()");
        assertFalse(rt.connections().contains(rec.conn), "L1: server side of " + cm.name() + " still registered");
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

    /**
     * L7 through the SocketWrench facade: a handle used after its disconnect fails with INVALID_HANDLE and never
     * reaches the connection that may reuse its slot. The facade has its own process-wide runtime, opened and closed
     * within this step, so the world's thread and socket counts are unaffected once the step returns.
     *
     * @return false if the server has no room for the two short connections (the step is then skipped)
     */
    boolean staleInetHandle(int serverId) throws Exception {
        ServerModel sm = server(serverId);
        if (sm.suspended || overLimit(sm)) {
            return false;
        }
        int before = serverSide(sm).size();
        assertTrue(Inet.initialize(), "Inet.initialize");
        int h;
        int h2;
        try {
            int secure = sm.tls ? Inet.INET_OPTION_SECURE | Inet.INET_OPTION_TRUSTEDSITE : Inet.INET_OPTION_NONE;
            h = Inet.connect("127.0.0.1", sm.server.port(), (int) DEADLINE.toSeconds(), secure);
            assertTrue(h != Inet.INVALID_SOCKET, () -> "Inet.connect failed: " + Inet.getLastError());
            inetProxyHeader(sm, h);
            assertTrue(Inet.writeLine(h, "inet one") > 0, "Inet.writeLine");
            assertEquals("inet one", Inet.readLine(h), "Inet echo");
            assertEquals(0, Inet.disconnect(h), "Inet.disconnect");
            assertStale(h, "after Inet.disconnect");
            awaitClientCount(sm, before); // its server side ends when it sees the close
            h2 = Inet.connect("127.0.0.1", sm.server.port(), (int) DEADLINE.toSeconds(), secure);
            assertTrue(h2 != Inet.INVALID_SOCKET, () -> "second Inet.connect failed: " + Inet.getLastError());
            assertTrue(h2 != h, "L7: a new connection never gets the stale handle value " + h);
            inetProxyHeader(sm, h2);
            assertStale(h, "while a new connection may reuse its slot");
            assertTrue(Inet.writeLine(h2, "inet two") > 0, "Inet.writeLine on the new handle");
            // had the stale write reached the new connection, its echo would arrive first
            assertEquals("inet two", Inet.readLine(h2), "L7: the stale handle's write must not reach the new connection");
            assertEquals(0, Inet.disconnect(h2), "Inet.disconnect of the new handle");
            sm.accepted += 2;
        } finally {
            assertTrue(Inet.uninitialize(), () -> "Inet.uninitialize: " + Inet.getLastError());
        }
        assertStale(h, "after Inet.uninitialize");
        assertStale(h2, "after Inet.uninitialize");
        awaitClientCount(sm, before);
        return true;
    }

    /** How long {@link #inetBlockedRead} lets {@code Inet.isReadable} wait while another thread reads. */
    static final int IS_READABLE_MILLIS = 100;

    /** What a facade read returned on its own thread, with that thread's last error right after it. */
    private record InetReadOutcome(Object value, int error) {
    }

    /**
     * Two facade guarantees with a reader blocked without a read timeout: {@code Inet.isReadable(h, timeout)} on
     * another thread returns false within its timeout (it waited for the reader's read lock for ever before), and
     * {@code Inet.disconnect(h)} ends the blocked {@code Inet.read} / {@code Inet.readLine}: it returns its error value
     * with NOT_CONNECTED, its thread ends and the handle is stale (L1, L7). As {@link #staleInetHandle}, the facade's
     * runtime lives only within this step.
     *
     * @param readLine block in {@code Inet.readLine} (else in {@code Inet.read})
     * @return false if the server cannot take the connection now (suspended or at its client limit: skipped)
     */
    boolean inetBlockedRead(int serverId, boolean readLine) throws Exception {
        ServerModel sm = server(serverId);
        if (sm.suspended || overLimit(sm)) {
            return false;
        }
        int before = serverSide(sm).size();
        String call = readLine ? "Inet.readLine" : "Inet.read";
        assertTrue(Inet.initialize(), "Inet.initialize");
        int h = Inet.INVALID_SOCKET;
        Thread reader = null;
        try {
            int secure = sm.tls ? Inet.INET_OPTION_SECURE | Inet.INET_OPTION_TRUSTEDSITE : Inet.INET_OPTION_NONE;
            h = Inet.connect("127.0.0.1", sm.server.port(), 0, secure); // timeout 0: no read timeout, a read blocks
            int handle = h;
            assertTrue(handle != Inet.INVALID_SOCKET, () -> "Inet.connect failed: " + Inet.getLastError());
            inetProxyHeader(sm, handle);
            assertTrue(Inet.writeLine(handle, "inet blk") > 0, "Inet.writeLine"); // fits the shortest maxLine (16)
            assertEquals("inet blk", Inet.readLine(handle), "Inet echo"); // the handler runs; it sends nothing more
            FutureTask<InetReadOutcome> read = new FutureTask<>(() -> {
                Object value = readLine ? Inet.readLine(handle) : (Object) Inet.read(handle, new byte[16], 16);
                return new InetReadOutcome(value, Inet.getLastError());
            });
            reader = Thread.ofVirtual().name("lifecycle-inet-reader").start(read);
            Thread r = reader;
            // a thread parked in a socket read holds the read lock (nothing else can make this one wait)
            TestSupport.awaitCondition(() -> r.getState() == Thread.State.WAITING || !r.isAlive(),
                    "the " + call + " thread to block");
            assertTrue(r.isAlive(), () -> call + " returned although nothing was sent: " + outcome(read));
            InetReadOutcome readable = TestSupport.returnsWithinDeadline("Inet.isReadable(" + IS_READABLE_MILLIS
                    + " ms) while " + call + " blocks", () -> new InetReadOutcome(
                            Inet.isReadable(handle, IS_READABLE_MILLIS), Inet.getLastError()));
            assertEquals(new InetReadOutcome(false, InetError.NONE.code()), readable,
                    "Inet.isReadable while " + call + " blocks: nothing was sent, no error");
            assertTrue(r.isAlive(), () -> call + " returned although nothing was sent: " + outcome(read));
            assertEquals(0, Inet.disconnect(handle), () -> "Inet.disconnect of a handle with a blocked " + call + ": "
                    + Inet.getErrorString(Inet.getLastError()));
            awaitTermination(r, call + " blocked on a disconnected handle");
            assertEquals(new InetReadOutcome(readLine ? null : Inet.INET_ERROR, InetError.NOT_CONNECTED.code()),
                    outcome(read), call + " ended by Inet.disconnect: (result, last error)");
            assertStale(handle, "after Inet.disconnect ended a blocked " + call);
            awaitClientCount(sm, before); // its server side ends when it sees the close
            sm.accepted++;
        } finally {
            assertTrue(Inet.uninitialize(), () -> "Inet.uninitialize: " + Inet.getLastError());
            if (reader != null) {
                reader.join(DEADLINE); // a failed step's reader ends with the facade's runtime
            }
        }
        assertStale(h, "after Inet.uninitialize");
        awaitClientCount(sm, before);
        return true;
    }

    /** The reader's outcome once its thread has ended (or how it failed). */
    private static Object outcome(FutureTask<InetReadOutcome> read) {
        return read.state() == Future.State.SUCCESS ? read.resultNow()
                : read.state() == Future.State.FAILED ? read.exceptionNow() : read.state();
    }

    /** A PROXY server's Inet clients send a header too (port 0: they are never looked up by port). */
    private static void inetProxyHeader(ServerModel sm, int h) {
        if (sm.proxy) {
            byte[] header = ProxyHeaders.v1(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), sm.server.port()));
            assertEquals(header.length, Inet.write(h, header, header.length), "Inet.write of a PROXY header");
        }
    }

    /**
     * L14: a connection to a PROXY server whose header is bad is closed before any handler runs, and counted.
     *
     * @return false if the server cannot take the connection now (suspended or at its client limit: skipped)
     */
    boolean badProxyHeader(int serverId, byte[] garbage) throws Exception {
        ServerModel sm = server(serverId);
        if (sm.suspended || overLimit(sm)) {
            return false;
        }
        int handlersBefore = sm.byClientPort.size();
        try (Connection raw = rt.connect("127.0.0.1", sm.server.port(), clientSideOptions(sm))) {
            try {
                raw.write(garbage);
                raw.shutdownOutput(); // a truncated header then ends with the stream
                assertNull(raw.readLine(), "a bad PROXY header is answered with nothing but a close");
            } catch (InetException e) {
                assertEquals(InetError.CONNECTION_RESET, e.error(), "bad PROXY header: " + e);
            }
        }
        sm.proxyFailures++;
        assertEquals(handlersBefore, sm.byClientPort.size(), "L14: no handler ran for a bad PROXY header");
        return true;
    }

    private static void assertStale(int h, String when) {
        assertNull(Inet.readLine(h), "readLine on stale handle " + h + " " + when);
        assertEquals(InetError.INVALID_HANDLE.code(), Inet.getLastError(), "readLine error " + when);
        assertEquals(Inet.INET_ERROR, Inet.writeLine(h, "stale"), "writeLine on stale handle " + h + " " + when);
        assertEquals(InetError.INVALID_HANDLE.code(), Inet.getLastError(), "writeLine error " + when);
        assertFalse(Inet.isConnected(h), "isConnected on stale handle " + h + " " + when);
        assertEquals(Inet.INET_ERROR, Inet.disconnect(h), "disconnect on stale handle " + h + " " + when);
        assertEquals(InetError.INVALID_HANDLE.code(), Inet.getLastError(), "disconnect error " + when);
    }

    private static void awaitClientCount(ServerModel sm, int expected) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        long pause = TimeUnit.MILLISECONDS.toNanos(1);
        while (sm.server.clientCount() != expected) {
            assertTrue(System.nanoTime() < end, sm.name() + ".clientCount() stayed " + sm.server.clientCount()
                    + ", expected " + expected);
            LockSupport.parkNanos(pause); // no event exists for "the server noticed its peer closed"
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(50));
        }
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

    void suspend(int serverId) throws Exception {
        ServerModel sm = server(serverId);
        sm.server.suspend();
        sm.suspended = true;
        assertFalse(sm.server.isAccepting(), sm.name() + " accepting while suspended");
    }

    void resume(int serverId) throws Exception {
        ServerModel sm = server(serverId);
        sm.server.resume();
        sm.suspended = false;
        assertTrue(sm.server.isAccepting(), sm.name() + " not accepting after resume");
        List<ClientModel> waiting = List.copyOf(sm.pending);
        sm.pending.clear();
        for (ClientModel cm : waiting) { // the backlog is served in arrival order
            admit(cm);
        }
    }

    void startWork(int clientId) throws Exception {
        ClientModel cm = client(clientId);
        cm.conn.writeLine("WORK");
        await(cm.rec.working, "handler of " + cm.name() + " starting its work");
        cm.state = ClientState.WORKING;
    }

    /**
     * Opens up to {@code n} new clients to the server (as many as its client limit leaves room for) and lets each
     * ping-pong lines with its handler as fast as it can until the server stops or the runtime closes: load that keeps
     * every carrier busy, so that the stop, disconnect or close that ends it runs against saturated carriers.
     *
     * @return the names of the busy clients
     */
    List<String> saturate(int serverId, int n) throws Exception {
        ServerModel sm = server(serverId);
        int max = sm.options.maxClients();
        int room = max == 0 ? n : Math.min(n, max - serverSide(sm).size());
        List<ClientModel> started = new ArrayList<>();
        for (int i = 0; i < room; i++) {
            ClientModel cm = new ClientModel(++clientIds, sm, false);
            cm.conn = rt.connect("127.0.0.1", sm.server.port(), clientSideOptions(sm));
            clients.add(cm);
            cm.conn.writeLine(hello(cm));
            assertTrue(admit(cm), cm.name() + " admitted: the server had room for it");
            started.add(cm);
        }
        List<PingPong> pingers = PingPong.startAll(started.stream().map(c -> c.conn).toList(),
                "lifecycle-busy-");
        for (int i = 0; i < started.size(); i++) {
            started.get(i).busy = pingers.get(i);
            started.get(i).state = ClientState.BUSY;
        }
        sm.saturated = !started.isEmpty();
        PingPong.awaitRoundTrips(pingers, 10);
        return started.stream().map(ClientModel::name).toList();
    }

    /** Busy clients in the world. */
    int busyClients() {
        return (int) clients.stream().filter(c -> c.state == ClientState.BUSY).count();
    }

    /** Whether busy clients keep the carriers saturated. */
    boolean loaded() {
        return busyClients() > 0;
    }

    /**
     * Under load a stop call must still return promptly (L2, L3, L8: nothing on the stop path may wait for a virtual
     * thread that the busy scheduler does not run). A stalled one waits a whole join deadline (at least 2 s here) or
     * more, a prompt one milliseconds: the bound is half the saturated server's join deadline (after the grace).
     *
     * @return a check to run right after the call returned, or a no-op without load
     */
    private Runnable promptUnderLoad(String call, Duration grace) {
        ServerModel busy = servers.stream().filter(s -> s.saturated).findFirst().orElse(null);
        if (busy == null || !loaded()) {
            return () -> { };
        }
        Duration bound = grace.plus(busy.options.joinDeadline().dividedBy(2));
        long t0 = System.nanoTime();
        return () -> {
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertTrue(took.compareTo(bound) < 0, "L2: " + call + " under load (" + busy.name() + " saturated) took "
                    + took.toMillis() + " ms, bound " + bound.toMillis() + " ms");
        };
    }

    /**
     * Waits for the ping-pong thread of a BUSY client to end (its connection was closed by {@code cause}) and checks
     * how it ended: one of {@code endings}, never a wrong echo.
     */
    private void awaitBusyEnd(ClientModel cm, Set<String> endings, String cause) throws InterruptedException {
        PingPong p = cm.busy;
        if (p == null) {
            return;
        }
        awaitTermination(p.thread(), "ping-pong of " + cm.name() + " after " + cause);
        assertNull(p.problem(), p.problem());
        assertTrue(endings.contains(p.ending()), "ping-pong of " + cm.name() + " after " + cause + " ended with "
                + p.ending() + ", expected one of " + endings);
        cm.busy = null;
    }

    void stop(int serverId, Duration grace, boolean releaseWorkers) throws Exception {
        ServerModel sm = server(serverId);
        List<ClientModel> mine = serverSide(sm);
        int working = (int) mine.stream().filter(c -> c.state == ClientState.WORKING).count();
        int idle = mine.size() - working;
        if (releaseWorkers) {
            mine.forEach(c -> c.rec.gate.countDown());
        }
        Runnable prompt = promptUnderLoad("stop(" + grace + ") " + sm.name(), grace);
        StopResult r = sm.server.stop(grace);
        prompt.run();
        sm.forbidden = true;
        serverGoneNow(sm, "stop(" + grace + ")");
        assertEquals(List.of(), r.stragglers(), "stop stragglers");
        if (!releaseWorkers) {
            assertEquals(0, r.graceful(), "L3: no handler of " + sm.name() + " could finish on its own: " + r);
            assertEquals(mine.size(), r.forced(), "L3: every client of " + sm.name() + " is forced: " + r);
        } else {
            assertTrue(r.forced() >= idle && r.forced() <= mine.size(), "L3: idle handlers never finish on "
                    + "their own, so " + idle + " <= forced <= " + mine.size() + ": " + r);
            assertTrue(r.graceful() <= working, "L3: only released workers can finish gracefully: " + r);
        }
        serverGone(sm, releaseWorkers);
    }

    void disconnectServer(int serverId) throws Exception {
        ServerModel sm = server(serverId);
        Runnable prompt = promptUnderLoad("disconnect() " + sm.name(), Duration.ZERO);
        sm.server.disconnect();
        prompt.run();
        sm.forbidden = true;
        serverGoneNow(sm, "disconnect()");
        serverGone(sm, false);
    }

    /** L2 at the moment disconnect/stop returned. */
    private void serverGoneNow(ServerModel sm, String call) throws IOException {
        Server s = sm.server;
        assertFalse(s.isRunning(), sm.name() + " running after " + call);
        assertEquals(0, s.clientCount(), "L2: " + sm.name() + " clientCount after " + call);
        assertTrue(s.clients().isEmpty(), "L2: " + sm.name() + " clients() after " + call);
        for (ClientModel cm : serverSide(sm)) {
            assertFalse(cm.rec.thread.isAlive(), "L2: handler of " + cm.name() + " alive after " + sm.name() + "."
                    + call + " returned");
        }
        String acceptor = "socketloom-server-" + s.port() + "-acceptor";
        assertFalse(LeakCheckExtension.Snapshot.take().threads().containsValue(acceptor),
                "L2: " + acceptor + " alive after " + call + " returned");
        assertFalse(rt.servers().contains(s), "L2: " + sm.name() + " still in servers()");
        try (ServerSocket again = new ServerSocket()) { // L2/L11: the port can be bound again at once
            again.setReuseAddress(true);
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port()));
        }
    }

    /** Model update after a server ended: its clients' peers are gone. */
    private void serverGone(ServerModel sm, boolean mayHaveDone) throws Exception {
        for (ClientModel cm : List.copyOf(clients)) {
            if (cm.server != sm) {
                continue;
            }
            if (cm.rec != null) {
                cm.rec.forbidden = true;
                serverSideGone(cm);
                peerClosed(cm, mayHaveDone);
            } else if (cm.state == ClientState.PENDING) {
                peerClosed(cm, true); // dropped from the backlog: end of stream or reset
            }
        }
        sm.pending.clear();
        servers.remove(sm);
        remember(deadServers, sm.server);
    }

    private void serverSideGone(ClientModel cm) {
        remember(deadConnections, cm.rec.conn);
        cm.rec = null;
    }

    /**
     * The server side of {@code cm} is gone: an event-driven client sees DISCONNECT/ERROR and is closed by its own
     * event thread; a plain client reads end of stream and stays open (orphaned) until it disconnects itself.
     */
    private void peerClosed(ClientModel cm, boolean lenient) throws Exception {
        if (cm.busy != null) {
            // the ping-pong thread was reading: it saw the end of stream, or a reset when the server side closed
            // with a line unread; it owns the reads, so its ending is the check. Then it leaves, as a client would.
            awaitBusyEnd(cm, Set.of("EOF", InetError.CONNECTION_RESET.name()), "its server side closed");
            cm.conn.disconnect();
            retire(cm);
            return;
        }
        if (cm.events != null) {
            awaitPumpEnd(cm);
            retire(cm);
            return;
        }
        try {
            String line = cm.conn.readLine();
            while (lenient && line != null && line.equals("DONE")) {
                line = cm.conn.readLine();
            }
            assertNull(line, cm.name() + " reads end of stream after its server side closed");
        } catch (InetException e) {
            if (!lenient || e.error() != InetError.CONNECTION_RESET) {
                throw e;
            }
        }
        cm.state = ClientState.ORPHANED;
    }

    private void awaitPumpEnd(ClientModel cm) throws Exception {
        EventLog ev = cm.events;
        await(ev.ended, cm.name() + " DISCONNECT/ERROR event");
        awaitTermination(ev.thread, "event thread of " + cm.name());
        assertFalse(cm.conn.isConnected(), cm.name() + " connected after its event thread ended");
        String order = ev.orderProblem();
        assertNull(order, order);
    }

    /** The client-side connection is closed: remember it as a dead handle, drop it from the model. */
    private void retire(ClientModel cm) {
        cm.server.pending.remove(cm);
        clients.remove(cm);
        remember(deadConnections, cm.conn);
    }

    /** Several threads disconnect the same target at once; each must return with the guarantees in place (L1/L2). */
    void concurrentDisconnect(String kind, int id, int threads) throws Exception {
        List<String> problems = new CopyOnWriteArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        Runnable op;
        Supplier<String> guarantee;
        ClientModel cm = kind.equals("server") ? null : client(id);
        ServerModel sm = kind.equals("server") ? server(id) : null;
        switch (kind) {
            case "client-side" -> {
                Thread pump = cm.events != null ? cm.events.thread : null;
                op = () -> call(problems, cm.conn::disconnect);
                guarantee = () -> cm.conn.isConnected() || (pump != null && pump.isAlive())
                        ? "L1: " + cm.name() + " connected or its event thread alive when a concurrent disconnect returned" : null;
            }
            case "server-side" -> {
                HandlerRecord rec = cm.rec;
                op = () -> call(problems, rec.conn::disconnect);
                guarantee = () -> rec.thread.isAlive()
                        ? "L1: handler of " + cm.name() + " alive when a concurrent disconnect returned" : null;
            }
            case "server" -> {
                List<Thread> handlers = serverSide(sm).stream().map(c -> c.rec.thread).toList();
                op = () -> call(problems, sm.server::disconnect);
                guarantee = () -> sm.server.isRunning() || sm.server.clientCount() != 0
                        || handlers.stream().anyMatch(Thread::isAlive)
                        ? "L2: " + sm.name() + " not fully down when a concurrent disconnect returned" : null;
            }
            default -> throw new IllegalArgumentException(kind);
        }
        List<Thread> started = new ArrayList<>();
        // Under load the callers are platform threads: a virtual thread started from this (platform) thread while the
        // carriers are saturated may not run at all on JDK 25 (docs/saturation.md), and nobody would stop the load.
        Thread.Builder callers = loaded() ? Thread.ofPlatform() : Thread.ofVirtual();
        Runnable prompt = kind.equals("server") ? promptUnderLoad(threads + " concurrent disconnect() of " + sm.name(),
                Duration.ZERO) : () -> { };
        for (int i = 0; i < threads; i++) {
            started.add(callers.name("lifecycle-concurrent-disconnect-" + i).start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                op.run();
                String p = guarantee.get();
                if (p != null) {
                    problems.add(p);
                }
            }));
        }
        go.countDown();
        for (Thread t : started) {
            awaitTermination(t, "concurrent disconnect of " + kind + " " + id);
        }
        prompt.run();
        assertTrue(problems.isEmpty(), String.join("; ", problems));
        switch (kind) {
            case "client-side" -> {
                if (cm.events != null) {
                    cm.events.forbidden = true;
                }
                clientSideClosedNow(cm, null, "concurrent disconnect()");
                if (cm.rec != null) {
                    awaitTermination(cm.rec.thread, "handler of " + cm.name() + " after its peer closed");
                    serverSideGone(cm);
                }
                retire(cm);
            }
            case "server-side" -> {
                cm.rec.forbidden = true;
                serverSideClosedNow(cm, cm.rec, "concurrent disconnect()");
                serverSideGone(cm);
                peerClosed(cm, false);
            }
            default -> {
                sm.forbidden = true;
                serverGoneNow(sm, "concurrent disconnect()");
                serverGone(sm, false);
            }
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void call(List<String> problems, Call c) {
        try {
            c.run();
        } catch (Exception e) {
            problems.add("concurrent disconnect threw " + e);
        }
    }

    void closeRuntime() throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (ClientModel cm : clients) {
            if (cm.rec != null) {
                threads.add(cm.rec.thread);
            }
            if (cm.events != null && cm.events.thread != null) {
                threads.add(cm.events.thread);
            }
        }
        Runnable prompt = promptUnderLoad("SocketRuntime.close()", Duration.ZERO);
        rt.close();
        prompt.run();
        servers.forEach(s -> s.forbidden = true);
        for (ClientModel cm : clients) {
            if (cm.rec != null) {
                cm.rec.forbidden = true;
            }
            if (cm.events != null) {
                cm.events.forbidden = true;
            }
        }
        // L8 at the moment close() returned: no thread, no socket of the runtime
        assertEquals(0, rt.liveThreadCount(), "L8: live threads after close()");
        for (Thread t : threads) {
            assertFalse(t.isAlive(), "L8: " + t.getName() + " alive after close() returned");
        }
        List<String> ours = LeakCheckExtension.Snapshot.take().threads().values().stream()
                .filter(n -> n.startsWith("socketloom-")).toList();
        assertEquals(List.of(), ours, "L8: socketloom threads after close() returned");
        assertEquals(baselineSockets, TestSupport.openSockets(), "L8: open sockets after close() returned");
        assertTrue(rt.isClosed());
        SocketRuntime closed = rt;
        assertInetError(InetError.NOT_INITIALIZED, () -> closed.connect("127.0.0.1", 9), "connect after close");
        assertInetError(InetError.NOT_INITIALIZED, () -> closed.startServer(ServerOptions.builder().build(),
                c -> { }), "startServer after close");
        closed.close(); // idempotent
        for (ClientModel cm : clients) {
            awaitBusyEnd(cm, PingPong.CLOSED, "the runtime closed");
        }
        for (ServerModel sm : List.copyOf(servers)) {
            remember(deadServers, sm.server);
        }
        for (ClientModel cm : List.copyOf(clients)) {
            if (cm.rec != null) {
                remember(deadConnections, cm.rec.conn);
            }
            remember(deadConnections, cm.conn);
        }
        servers.clear();
        clients.clear();
        rt = opener.get();
        runtimes++;
    }

    // ------------------------------------------------------------------ invariants

    /** Checked after every action (jqwik invariant). */
    void check() {
        try {
            checkOrThrow();
        } catch (Exception e) {
            throw new AssertionError("invariant check failed: " + e, e);
        }
    }

    private void checkOrThrow() throws Exception {
        assertTrue(violations.isEmpty(), () -> String.join("\n", violations));
        FanOutActions.checkQueues(this);
        for (ClientModel cm : clients) {
            if (cm.busy != null) {
                assertNull(cm.busy.problem(), cm.busy.problem());
                assertNull(cm.busy.ending(), () -> "ping-pong of " + cm.name() + " ended (" + cm.busy.ending()
                        + ") although its connection is open on both sides");
            }
        }
        for (ClientModel cm : clients) {
            if (cm.events != null) {
                String order = cm.events.orderProblem();
                assertNull(order, order);
            }
        }
        awaitConverged();
        for (ServerModel sm : servers) {
            Set<Long> expected = serverSide(sm).stream().map(c -> c.rec.conn.id()).collect(Collectors.toSet());
            Set<Long> actual = sm.server.clients().stream().map(Connection::id).collect(Collectors.toSet());
            assertEquals(expected, actual, sm.name() + ".clients()");
        }
        Set<Long> expected = new HashSet<>();
        for (ClientModel cm : clients) {
            expected.add(cm.conn.id());
            if (cm.rec != null) {
                expected.add(cm.rec.conn.id());
            }
        }
        assertEquals(expected, rt.connections().stream().map(Connection::id).collect(Collectors.toSet()),
                "runtime connections()");
        assertEquals(servers.stream().map(s -> s.server).collect(Collectors.toSet()), Set.copyOf(rt.servers()),
                "runtime servers()");
        for (Connection c : deadConnections) {
            checkDead(c);
        }
        for (Server s : deadServers) {
            checkDeadServer(s);
        }
        timeouts.check();
        eventSteps.check(this);
    }

    private int expectedThreads() {
        int n = 0;
        boolean watchdog = false;
        for (ServerModel sm : servers) {
            int side = serverSide(sm).size();
            n += 1 + side;
            watchdog |= side > 0 && !sm.options.idleTimeout().isZero();
        }
        n += servers.isEmpty() ? 0 : 1; // keeper
        n += watchdog ? 1 : 0;
        for (ClientModel cm : clients) {
            n += cm.events != null ? 1 : 0;
        }
        return n;
    }

    /**
     * How long asynchronous effects may take to reach the model: {@link #DEADLINE}, unless a self-test that expects
     * failures shortens it with {@code -Dlifecycle.convergeSeconds} (every failing shrink candidate waits this long).
     */
    static Duration convergeDeadline() {
        return Duration.ofSeconds(Long.getLong("lifecycle.convergeSeconds", DEADLINE.toSeconds()));
    }

    /** Waits (bounded) until threads, sockets and counts equal the model; fails with the differences otherwise. */
    private void awaitConverged() throws Exception {
        Duration deadline = convergeDeadline();
        long end = System.nanoTime() + deadline.toNanos();
        long pause = TimeUnit.MILLISECONDS.toNanos(2);
        while (true) {
            List<String> diffs = differences();
            if (diffs.isEmpty()) {
                return;
            }
            if (System.nanoTime() > end) {
                fail("after " + deadline.toSeconds() + " s the runtime still differs from the model " + describe()
                        + ":\n  " + String.join("\n  ", diffs));
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private List<String> differences() throws IOException {
        List<String> diffs = new ArrayList<>();
        int threads = expectedThreads();
        if (rt.liveThreadCount() != threads) {
            diffs.add("liveThreadCount() = " + rt.liveThreadCount() + ", model " + threads);
        }
        long socketsMin = baselineSockets + clients.size();
        long socketsMax = socketsMin;
        int connections = clients.size();
        for (ServerModel sm : servers) {
            int side = serverSide(sm).size();
            connections += side;
            socketsMin += 1 + side;
            // the acceptor may already hold the first connection that arrived while suspended
            socketsMax += 1 + side + (sm.pending.isEmpty() ? 0 : 1);
            if (sm.server.clientCount() != side) {
                diffs.add(sm.name() + ".clientCount() = " + sm.server.clientCount() + ", model " + side);
            }
            if (sm.server.stats().tlsHandshakeFailures() != 0) {
                diffs.add(sm.name() + ".stats() counts failed TLS handshakes: " + sm.server.stats());
            }
            if (sm.server.stats().accepted() != sm.accepted || sm.server.stats().rejected() != sm.rejected
                    || sm.server.stats().proxyHeaderFailures() != sm.proxyFailures) {
                diffs.add(sm.name() + ".stats() = " + sm.server.stats() + ", model accepted " + sm.accepted
                        + " rejected " + sm.rejected + " proxyHeaderFailures " + sm.proxyFailures);
            }
        }
        long sockets = TestSupport.openSockets();
        if (sockets < socketsMin || sockets > socketsMax) {
            diffs.add("open sockets = " + sockets + ", model " + socketsMin
                    + (socketsMax != socketsMin ? ".." + socketsMax : ""));
        }
        if (rt.connections().size() != connections) {
            diffs.add("connections().size() = " + rt.connections().size() + ", model " + connections);
        }
        if (diffs.isEmpty()) { // the costly one last: every socketloom thread in the process, from a thread dump
            List<String> ours = LeakCheckExtension.Snapshot.take().threads().values().stream()
                    .filter(n -> n.startsWith("socketloom-")).sorted().toList();
            if (ours.size() != threads) {
                diffs.add("socketloom threads in the process = " + ours + ", model " + threads);
            }
        }
        return diffs;
    }

    @Override
    public String toString() {
        return describe();
    }

    /** What the chain actually did, in order, with the real names (jqwik lists the generic action names). */
    final List<String> journal = new ArrayList<>();

    private String describe() {
        return "{journal=" + journal + ", servers=" + servers.stream().map(s -> s.name() + (s.suspended ? "(suspended)" : "")).toList()
                + ", clients=" + clients + "}";
    }

    private void checkDead(Connection c) throws Exception {
        assertFalse(c.isConnected(), c + " connected");
        assertFalse(c.eventsEnabled(), c + " events enabled");
        assertEquals(0, c.available(), c + " available()");
        byte[] b = new byte[4];
        assertInetError(InetError.NOT_CONNECTED, c::readLine, c + " readLine");
        assertInetError(InetError.NOT_CONNECTED, () -> c.read(b, 0, 4), c + " read");
        assertInetError(InetError.NOT_CONNECTED, () -> c.peek(b, 0, 4), c + " peek");
        assertInetError(InetError.NOT_CONNECTED, () -> c.write(b, 0, 4), c + " write");
        assertInetError(InetError.NOT_CONNECTED, () -> c.writeLine("x"), c + " writeLine");
        assertInetError(InetError.NOT_CONNECTED, c::shutdownOutput, c + " shutdownOutput");
        assertInetError(InetError.NOT_CONNECTED, () -> c.enableEvents((x, e, err) -> { }, EnumSet.allOf(Event.class)),
                c + " enableEvents");
        c.disconnect(); // L1: idempotent
        c.disableEvents();
    }

    private void checkDeadServer(Server s) throws Exception {
        assertFalse(s.isRunning(), s + " running");
        assertEquals(0, s.clientCount(), s + " clientCount");
        assertInetError(InetError.SERVER_STOPPED, s::suspend, s + " suspend");
        assertInetError(InetError.SERVER_STOPPED, s::resume, s + " resume");
        s.disconnect(); // L2: idempotent
        // a repeated stop forces nobody; what it reports as graceful is not specified (it currently repeats the
        // first stop's count), so only the unambiguous parts are checked
        StopResult again = s.stop(Duration.ZERO);
        assertEquals(0, again.forced(), s + " stop after disconnect: " + again);
        assertEquals(List.of(), again.stragglers(), s + " stop after disconnect: " + again);
        assertTrue(s.awaitTermination(DEADLINE), s + " awaitTermination");
    }

    /** Closes whatever the try left open and checks the process is back to where the try started (L8/L9). */
    void closeAndCheckNoLeaks() throws Exception {
        try {
            rt.close();
        } finally {
            for (ClientModel cm : clients) {
                if (cm.busy != null) {
                    cm.busy.join(DEADLINE); // its connection is closed now; a thread still alive shows as a leak
                }
            }
            List<String> leaks = LeakCheckExtension.awaitNoLeaks(baseline, LeakCheckExtension.SETTLE);
            assertTrue(leaks.isEmpty(), () -> "leaked by the chain (" + runtimes + " runtime(s)):\n  "
                    + String.join("\n  ", leaks));
        }
    }

    // ------------------------------------------------------------------ helpers

    private static <T> void remember(ArrayDeque<T> dead, T item) {
        if (dead.size() == DEAD_KEPT) {
            dead.removeFirst();
        }
        dead.addLast(item);
    }

    private static void await(CountDownLatch latch, String what) throws InterruptedException {
        assertTrue(latch.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "timed out waiting for " + what);
    }

    private static void awaitTermination(Thread t, String what) throws InterruptedException {
        assertNotNull(t, what + ": no thread recorded");
        assertTrue(t.join(DEADLINE), what + " did not end within " + DEADLINE);
    }

    private static void assertInetError(InetError expected, Call call, String what) {
        try {
            call.run();
        } catch (InetException e) {
            assertEquals(expected, e.error(), what + ": " + e);
            return;
        } catch (Exception e) {
            throw new AssertionError(what + ": expected InetException " + expected + ", got " + e, e);
        }
        fail(what + ": expected InetException " + expected + ", but the call succeeded");
    }
}
