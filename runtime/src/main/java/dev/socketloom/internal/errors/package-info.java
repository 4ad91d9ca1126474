/**
 * The one place where the JDK's failures become stable {@code InetError}s: {@link
 * dev.socketloom.internal.errors.Errors} for {@code IOException}s, {@link dev.socketloom.internal.errors.TlsErrors}
 * for the TLS ones (the two call each other, so they live together).
 *
 * <p><b>May use:</b> the Java API's types only. <b>Invariant:</b> a classification depends on the exception's type and
 * cause chain, never on a message alone where a type says it.
 */
package dev.socketloom.internal.errors;
