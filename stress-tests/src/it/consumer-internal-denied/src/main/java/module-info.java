/** A module that requires dev.socketloom and tries to use its internals. */
module example.sneaky {
    requires dev.socketloom;
}
