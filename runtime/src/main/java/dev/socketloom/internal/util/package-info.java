/**
 * Utilities every area may use, and which use no area: the connection state lock ({@link
 * dev.socketloom.internal.util.Mutex}), starting and counting threads ({@link dev.socketloom.internal.util.Threads},
 * {@link dev.socketloom.internal.util.ThreadStarter}), joining interrupted threads against one deadline ({@link
 * dev.socketloom.internal.util.Joiner}, and {@link dev.socketloom.internal.util.JoinPolicy}, the seam tests replace),
 * and the {@link dev.socketloom.internal.util.Watchdog} that enforces deadlines blocking sockets cannot express.
 *
 * <p><b>May use:</b> the Java API's types only. <b>Invariants:</b> a thread is registered before it starts and the
 * registration is undone if it fails to start; the watchdog only ever tries a connection's lock, never waits for it,
 * and sees connections only as {@link dev.socketloom.internal.util.Watchdog.Watched}.
 */
package dev.socketloom.internal.util;
