package dev.socketloom.inet;

import static dev.socketloom.inet.InetCalls.requireProc;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.Event;
import dev.socketloom.EventHandler;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.StopResult;
import dev.socketloom.TlsOptions;
import dev.socketloom.internal.connection.InternalAccess;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * What the {@link Inet} facade does to open and end connections and servers: it turns SocketWrench's arguments into
 * options ({@link InetCodes}), runs them on the facade's runtime ({@link InetRuntime}) and gives every connection,
 * server and accepted client a handle ({@link InetHandles}) for exactly as long as it lives. Each method throws; the
 * facade turns the exception into its error value and the caller's last error.
 */
final class InetSessions {
    private InetSessions() {
    }

    static int connect(String host, int port, int timeoutSec, int options, TlsOptions credentials)
            throws InetException {
        Connection c = InetRuntime.get().connect(host, port, InetCodes.clientOptions(timeoutSec, options, credentials));
        try {
            return InetHandles.register(c);
        } catch (InetException e) {
            c.abort();
            throw e;
        }
    }

    static int asyncConnect(String host, int port, int timeoutSec, int options, int eventMask, InetEventProc proc)
            throws InetException {
        requireProc(proc);
        ConnectOptions co = InetCodes.clientOptions(timeoutSec, options, null);
        int[] handle = {Inet.INVALID_SOCKET};
        Set<Event> mask = InetCodes.events(eventMask);
        EventHandler adapted = InetCodes.adapt(handle, proc);
        CountDownLatch published = new CountDownLatch(1);
        EventHandler filtered = (c, e, err) -> {
            awaitPublished(published); // the first callback may come before asyncConnect has returned
            if (mask.contains(e)) {
                adapted.onEvent(c, e, err);
            }
        };
        // the handle is reserved before the connect starts, so the first callback already sees it
        try {
            return InetRuntime.locked(() -> {
                int h = InetHandles.register(InetHandles.PENDING);
                handle[0] = h;
                Connection c;
                try {
                    c = InetRuntime.get().connectAsync(host, port, co, filtered);
                } catch (InetException e) {
                    InetHandles.remove(h);
                    throw e;
                }
                InetHandles.replace(h, c);
                return h;
            });
        } finally {
            published.countDown();
        }
    }

    /** Waits (briefly: until asyncConnect publishes the handle) without losing an interrupt. */
    private static void awaitPublished(CountDownLatch published) {
        boolean interrupted = false;
        while (true) {
            try {
                published.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    static int serverStart(String localHost, int port, int backlog, int maxClients, int timeoutSec, int options,
                           TlsOptions credentials, InetEventProc proc) throws InetException {
        requireProc(proc);
        ServerOptions serverOptions = InetCodes.serverOptions(localHost, port, backlog, maxClients, timeoutSec,
                options, credentials);
        Set<Event> all = EnumSet.allOf(Event.class);
        Server server = InetRuntime.get().startServer(serverOptions, c -> {
            int h;
            try {
                h = InetHandles.register(c);
            } catch (InetException full) {
                return; // no handle left: the client is disconnected
            }
            try {
                InternalAccess.runEventLoop(c, InetCodes.adapt(new int[] {h}, proc), all);
            } finally {
                InetHandles.remove(h);
            }
        });
        try {
            return InetHandles.register(server);
        } catch (InetException e) {
            server.disconnect();
            throw e;
        }
    }

    static int serverStop(int handle, int graceSec) throws InetException {
        Server s = InetHandles.server(handle);
        if (graceSec < 0) {
            throw new InetException(InetError.INVALID_ARGUMENT, "grace must not be negative: " + graceSec);
        }
        InetHandles.remove(handle);
        StopResult r = s.stop(Duration.ofSeconds(graceSec));
        if (!r.stragglers().isEmpty()) {
            throw new InetException(InetError.THREAD_NOT_TERMINATED, null, null, r.stragglers());
        }
        return r.forced();
    }

    static void disconnect(int handle) throws InetException {
        Object target = InetHandles.get(handle);
        if (target == null || target == InetHandles.PENDING) {
            throw new InetException(InetError.INVALID_HANDLE, "no connection or server has handle " + handle);
        }
        // removing first makes the handle stale at once; a server client's session end removes it again, which is
        // a no-op because the generation no longer matches
        InetHandles.remove(handle);
        if (target instanceof Server s) {
            s.disconnect();
        } else if (target instanceof Connection c) {
            c.disconnect();
        }
    }

    /** InetServerThrottle: a negative interval is refused, 0 means unlimited. */
    static void serverThrottle(int handle, int maxClients, int maxClientsPerAddress, int minIntervalMs)
            throws InetException {
        if (minIntervalMs < 0) {
            throw new InetException(InetError.INVALID_ARGUMENT, "interval must not be negative");
        }
        InetHandles.server(handle).throttle(maxClients, maxClientsPerAddress, Duration.ofMillis(minIntervalMs));
    }

    /** InetIsReadable: waits up to {@code timeoutMs} for data or end of stream; a negative timeout is refused. */
    static boolean isReadable(int handle, int timeoutMs) throws InetException {
        if (timeoutMs < 0) {
            throw new InetException(InetError.INVALID_ARGUMENT, "timeout must not be negative");
        }
        return InternalAccess.awaitReadable(InetHandles.connection(handle), Duration.ofMillis(timeoutMs));
    }
}
