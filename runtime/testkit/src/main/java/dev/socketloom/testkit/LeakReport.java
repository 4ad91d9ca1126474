package dev.socketloom.testkit;

import java.util.List;

/**
 * What outlived a test: the connections still open when it ended, and the number of threads SocketLoom started that
 * were still alive after the runtime was closed and the settle time passed.
 *
 * @param openConnections one line per client connection still open (not the accepted ones): id, local and peer address
 * @param liveThreads threads the runtime started that had not terminated at the end of the settle time
 * @param closeReport what the runtime's close reported (its stragglers, by thread name), or empty
 */
public record LeakReport(List<String> openConnections, int liveThreads, String closeReport) {

    /** Copies the list; a null close report is none. */
    public LeakReport {
        openConnections = List.copyOf(openConnections);
        closeReport = closeReport == null ? "" : closeReport;
    }

    /** {@return whether nothing outlived the test} */
    public boolean isClean() {
        return openConnections.isEmpty() && liveThreads == 0 && closeReport.isEmpty();
    }

    @Override
    public String toString() {
        if (isClean()) {
            return "nothing outlived the test";
        }
        StringBuilder out = new StringBuilder("outlived the test:");
        if (!openConnections.isEmpty()) {
            out.append("\n  ").append(openConnections.size()).append(" connection(s) still open (not closed by the test):");
            openConnections.forEach(c -> out.append("\n    ").append(c));
        }
        if (!closeReport.isEmpty()) {
            out.append("\n  the runtime's close reported: ").append(closeReport);
        }
        if (liveThreads > 0) {
            out.append("\n  ").append(liveThreads)
                    .append(" SocketLoom thread(s) still alive after the runtime closed and the settle time passed"
                            + " (a handler that does not return when its connection closes?)");
        }
        return out.toString();
    }
}
