package dev.socketloom.jmh.child;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The child's side of a {@link ChildJvm}: reads one command per line from stdin and writes exactly one reply line to
 * the real stdout ({@code ok ...} or {@code error ...}); {@code System.out} is redirected to stderr, so nothing else
 * reaches the protocol stream. {@code quit} or the end of stdin ends the loop, so an abandoned child never outlives
 * its parent's pipe.
 */
public final class CommandLoop {

    /** Answers one command. */
    @FunctionalInterface
    public interface Commands {
        /**
         * Runs {@code cmd} (the command line split at white space) and returns the words of its {@code ok} reply
         * (empty for a bare {@code ok}); throwing replies {@code error} with the exception.
         */
        String reply(String[] cmd) throws Exception;
    }

    private CommandLoop() {
    }

    /** Serves {@code commands} until {@code quit} or the end of stdin. */
    public static void run(Commands commands) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        out.println("ok ready");
        String line;
        while ((line = in.readLine()) != null) {
            String[] cmd = line.trim().split("\\s+");
            if (cmd[0].equals("quit")) {
                out.println("ok");
                return;
            }
            try {
                String reply = commands.reply(cmd);
                out.println(reply.isEmpty() ? "ok" : "ok " + reply);
            } catch (Exception e) {
                e.printStackTrace();
                out.println("error " + e);
            }
        }
    }
}
