package dev.socketloom;

import java.util.List;

/**
 * Outcome of {@link Server#stop(java.time.Duration)} ({@linkplain dev.socketloom##L3 L3}). It counts the clients that
 * were connected when the stop began (after the listener closed): each is in exactly one of {@code graceful} and
 * {@code forced}, so the two add up to that number, as in the {@code dev.socketloom.ServerStopped} JFR event.
 *
 * @param graceful   clients whose handlers returned on their own within the grace period
 * @param forced     clients disconnected by a stop: by this one when the grace period ended, or by a
 *                   {@code disconnect()} or runtime close that overtook it from another thread
 * @param stragglers names of threads that did not terminate even after being forced ({@linkplain dev.socketloom##L6
 *                   L6}); normally empty
 */
public record StopResult(int graceful, int forced, List<String> stragglers) {
    /** Copies the straggler list. */
    public StopResult {
        stragglers = List.copyOf(stragglers);
    }
}
