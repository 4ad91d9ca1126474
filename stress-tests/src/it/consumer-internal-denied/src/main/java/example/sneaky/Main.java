package example.sneaky;

/** Must not compile: dev.socketloom.internal is not exported by module dev.socketloom. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        dev.socketloom.internal.runtime.RuntimeCore core = new dev.socketloom.internal.runtime.RuntimeCore();
        core.close();
    }
}
