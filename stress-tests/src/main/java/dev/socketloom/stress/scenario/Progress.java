package dev.socketloom.stress.scenario;

/**
 * Where a scenario reports how far it is; the CLI shows a progress bar, tests pass {@link #NONE}.
 * Implementations must be thread-safe ({@link #step()} is called from many threads).
 */
public interface Progress {
    /** Ignores everything. */
    Progress NONE = new Progress() {
        @Override
        public void stage(String name, long total) {
        }

        @Override
        public void stepBy(long n) {
        }
    };

    /** A new stage of {@code total} steps begins (0 or less: unknown). */
    void stage(String name, long total);

    /** {@code n} more steps are done. */
    void stepBy(long n);

    /** One more step is done. */
    default void step() {
        stepBy(1);
    }
}
