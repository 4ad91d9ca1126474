package dev.socketloom.lifecycle;

import dev.socketloom.internal.util.JoinPolicy;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * A deliberately broken join policy for {@link ShrinkingFindsBrokenJoinTest}: the disconnect of one server-side
 * connection (a join of exactly one {@code socketloom-client-*} handler thread) returns without waiting, breaking
 * L1. Every other join (server stops, runtime close, event threads) is the real one: client-side event threads end
 * too quickly for a skipped join to be observed reliably, and the self-test needs a failure that reproduces on every
 * run for jqwik to shrink it.
 */
final class SkipHandlerJoin implements JoinPolicy {
    @Override
    public List<String> join(Collection<Thread> threads, Duration deadline) {
        Thread only = threads.size() == 1 ? threads.iterator().next() : null; // a runtime's close may pass [null]
        if (only != null && only.getName().startsWith("socketloom-client-")) {
            return List.of();
        }
        return JoinPolicy.STANDARD.join(threads, deadline);
    }
}
