package dev.socketloom.internal.util;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * How a runtime waits for the threads that a disconnect, a server stop or its own close has interrupted. The
 * runtime is constructed with one ({@code RuntimeCore(JoinPolicy)} in {@code internal.runtime}); production always uses
 * {@link #STANDARD}, and the test suite substitutes a deliberately broken policy to prove that its lifecycle checks
 * catch a disconnect that returns too early.
 */
@FunctionalInterface
public interface JoinPolicy {
    /** Joins every thread except the caller against one deadline and restores an interrupt received meanwhile. */
    JoinPolicy STANDARD = Joiner::joinAll;

    /**
     * Waits until every thread in {@code threads} (nulls and the calling thread excepted) has terminated, or until
     * {@code deadline} has elapsed in total.
     *
     * @return the names of the threads still alive at the deadline; empty when all terminated
     */
    List<String> join(Collection<Thread> threads, Duration deadline);
}
