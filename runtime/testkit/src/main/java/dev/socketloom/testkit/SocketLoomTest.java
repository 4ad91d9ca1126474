package dev.socketloom.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs each test of the annotated class with a fresh {@link dev.socketloom.SocketRuntime}, injected as a test or
 * lifecycle-method parameter, and closes it after the test.
 *
 * <p>After the test method returns, and before the runtime is closed, the test fails with a {@link LeakReport} when
 * a connection the runtime owns is still open (a socket the test forgot) or, after the runtime's own close and a
 * bounded settle of {@link #settleMillis()}, when a thread the runtime started is still alive (a handler that does
 * not return). No JVM flags are needed: the check counts only what SocketLoom itself started or opened. Threads that
 * a handler starts by itself are not SocketLoom's and are not caught (see docs/testkit.md).
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SocketLoomExtension.class)
public @interface SocketLoomTest {

    /** {@return how long, in milliseconds, the check waits after closing the runtime for its threads to end} */
    long settleMillis() default 5_000;
}
