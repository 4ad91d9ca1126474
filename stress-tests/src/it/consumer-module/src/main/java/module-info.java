/** A third-party module that depends on SocketLoom's published API only. */
module example.consumer {
    requires dev.socketloom;
}
