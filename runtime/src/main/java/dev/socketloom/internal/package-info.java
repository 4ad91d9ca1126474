/**
 * How the runtime works: the mechanics behind the API of {@code dev.socketloom}. Not exported by the module, not API.
 * Nothing lives directly here; each sub-package is one area, and the arrows between them point one way (checked by
 * {@code ArchitectureTest}; the map with its diagram is docs/architecture.md):
 *
 * <table class="striped">
 * <caption>Areas, top to bottom</caption>
 * <thead><tr><th>package</th><th>owns</th><th>may use</th></tr></thead>
 * <tbody>
 * <tr><td>{@code runtime}</td><td>{@code SocketRuntime}: registries, connect, startServer, close</td><td>all
 *     below</td></tr>
 * <tr><td>{@code server}</td><td>a listening server: accept loop, client sessions, stop</td><td>connection and
 *     below</td></tr>
 * <tr><td>{@code connection}</td><td>one connection's state machine, I/O, events, JFR door</td><td>tls, proxy,
 *     dial, jfr, errors, util</td></tr>
 * <tr><td>{@code tls}, {@code proxy}</td><td>TLS layer and key material; the PROXY header</td><td>dial, errors,
 *     util</td></tr>
 * <tr><td>{@code dial}</td><td>socket options, connect, Happy Eyeballs</td><td>errors, util</td></tr>
 * <tr><td>{@code jfr}, {@code errors}, {@code util}</td><td>the events; failures as {@code InetError}s; locks,
 *     threads, joins, the watchdog</td><td>nothing internal</td></tr>
 * </tbody>
 * </table>
 *
 * <p><b>Locks.</b> A connection's state lock is the connection itself (a {@code Mutex}), held only for non-blocking
 * work and a graceful TLS close's close_notify (bounded by a watchdog deadline, so the watchdog only ever tries that
 * lock); its read and write locks ({@code ConnectionIo}) are held across blocking I/O, and whoever only waits for
 * data (events, {@code Inet.isReadable}) waits for the read lock no longer than it waits for data. Nothing here holds
 * a {@code synchronized} monitor across a blocking call, and no thread sleeps to wait for another.
 *
 * <p><b>Threads.</b> Accepted clients, event threads and connect attempts run on virtual threads; the acceptor and
 * the watchdog are platform threads, so that a server stops promptly even when handlers keep every carrier busy.
 */
package dev.socketloom.internal;
