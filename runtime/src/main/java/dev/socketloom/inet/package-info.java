/**
 * The SocketWrench facade: {@link dev.socketloom.inet.Inet}, a static API over opaque {@code int} handles that never
 * throws (failures return {@code INET_ERROR} and a last-error code), and {@link dev.socketloom.inet.InetEventProc},
 * its event callback. The helpers here (handles, sessions, codes, calls, the facade's runtime) are package-private.
 *
 * <p>The facade is a client of the Java API in {@code dev.socketloom}; errors are its {@code InetError} codes. Handles
 * are generation-checked (L7): a stale handle fails with {@code INVALID_HANDLE}, it never reaches another
 * connection. Moved here from {@code dev.socketloom} in 0.1.0 (see docs/architecture.md, "Changes").
 */
package dev.socketloom.inet;
