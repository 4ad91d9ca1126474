package dev.socketloom.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** {@code dev.socketloom.ConnectionOpened}; see the {@linkplain dev.socketloom.internal.jfr package} catalogue. */
@Name("dev.socketloom.ConnectionOpened")
@Label("Connection Opened")
@Category("SocketLoom")
@Description("A connection is open: accepted by a server or connected by a client")
@StackTrace(false)
final class ConnectionOpenedEvent extends Event {
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
}
