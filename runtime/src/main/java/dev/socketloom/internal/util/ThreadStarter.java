package dev.socketloom.internal.util;

/**
 * Starts a named thread in one step: whoever starts it has already registered it where it must be joined, and undoes
 * that registration if the start fails. Implemented by the runtime's {@link Threads} and by each server's
 * {@code internal.server.ClientThreads}.
 */
@FunctionalInterface
public interface ThreadStarter {
    /**
     * Starts a new virtual thread named {@code name} that runs {@code body}.
     *
     * @return the started thread, or null when the owner no longer starts threads (it is shutting down)
     */
    Thread start(String name, Runnable body);
}
