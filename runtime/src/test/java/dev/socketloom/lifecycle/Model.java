package dev.socketloom.lifecycle;

import dev.socketloom.Connection;
import dev.socketloom.ProxyProtocol;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.testing.PingPong;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * The model side of the lifecycle chains: what the chains believe about each server, client and handler, apart from
 * the real runtime. Steps update it after every real call; the invariants ({@link World#check()}) compare the real
 * system against it. Plain data, touched by the chain's thread (handler records by handler threads too, through their
 * volatile and concurrent fields).
 */
interface Model {

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
}
