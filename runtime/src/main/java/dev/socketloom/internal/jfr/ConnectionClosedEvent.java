package dev.socketloom.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** {@code dev.socketloom.ConnectionClosed}; see the {@linkplain dev.socketloom.internal.jfr package} catalogue. */
@Name("dev.socketloom.ConnectionClosed")
@Label("Connection Closed")
@Category("SocketLoom")
@Description("A connection that was open has been closed, with who closed it and what it carried")
@StackTrace(false)
final class ConnectionClosedEvent extends Event {
    @ConnectionId
    @Label("Connection Id")
    long connectionId;

    @Label("Remote Address")
    @Description("Peer address and port")
    String remoteAddress;

    @Label("Local Port")
    int localPort;

    @Label("Server Port")
    @Description("Port of the server that accepted the connection; 0 for a client-side connection")
    int serverPort;

    @Label("Cause")
    @Description("Who closed it: PEER (end of stream or reset from the peer), LOCAL (this side's code: disconnect(), "
            + "abort(), or a handler that returned), SERVER_STOP (Server.stop or disconnect), TIMEOUT (idle, write or "
            + "read timeout), ERROR (the handler threw, or an I/O error ended the events), RUNTIME_CLOSE "
            + "(SocketRuntime.close)")
    String cause;

    @Label("Forced")
    @Description("The thread that served the connection (handler or event thread) was still running and was "
            + "interrupted; false when it ended on its own or there was none")
    boolean forced;

    @Label("Detail")
    @Description("Which deadline expired, for cause TIMEOUT; otherwise empty")
    String detail;

    @Label("Lifetime")
    @Description("Time from open to close")
    @Timespan(Timespan.NANOSECONDS)
    long lifetime;

    @Label("Bytes In")
    @Description("Bytes read from the socket")
    @DataAmount(DataAmount.BYTES)
    long bytesIn;

    @Label("Bytes Out")
    @Description("Bytes written to the socket by writes that completed")
    @DataAmount(DataAmount.BYTES)
    long bytesOut;
}
