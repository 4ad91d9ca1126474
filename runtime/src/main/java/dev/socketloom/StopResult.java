package dev.socketloom;

import java.util.List;

/**
 * Outcome of {@link Server#stop(java.time.Duration)} ({@linkplain dev.socketloom##L3 L3}).
 *
 * @param graceful   clients whose handlers returned on their own within the grace period
 * @param forced     clients that were disconnected when the grace period ended
 * @param stragglers names of threads that did not terminate even after being forced ({@linkplain dev.socketloom##L6
 *                   L6}); normally empty
 */
public record StopResult(int graceful, int forced, List<String> stragglers) {
    /** Copies the straggler list. */
    public StopResult {
        stragglers = List.copyOf(stragglers);
    }
}
