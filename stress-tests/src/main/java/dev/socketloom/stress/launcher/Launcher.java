package dev.socketloom.stress.launcher;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Entry point of {@code socketloom-stress.jar}, compiled for Java 8 so that {@code java -jar socketloom-stress.jar}
 * works whatever {@code java} is first on the PATH.
 *
 * <p>On a JDK 21+ it calls the CLI directly. On an older JDK it looks for a JDK 21+ ({@code $SOCKETLOOM_JAVA},
 * {@code $JAVA_HOME}, the JDKs in {@code ~/.m2/toolchains.xml}, {@code /usr/lib/jvm/*}, {@code /opt/java/*},
 * {@code ~/.sdkman/candidates/java/*}, {@code /Library/Java/JavaVirtualMachines/*}) and runs the same jar with it,
 * passing arguments, standard streams, termination signals and the exit code through (extra JVM options for it:
 * {@code $SOCKETLOOM_JAVA_OPTS}). Without one it fails with a clear message.
 */
public final class Launcher {
    private static final int REQUIRED = 21;
    private static final String CLI = "dev.socketloom.stress.cli.Main";

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        if (featureOf(System.getProperty("java.specification.version")) >= REQUIRED) {
            Method main = Class.forName(CLI).getMethod("main", String[].class);
            try {
                main.invoke(null, (Object) args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception) {
                    throw (Exception) cause;
                }
                throw (Error) cause;
            }
            return;
        }
        File java = findJava();
        if (java == null) {
            System.err.println("socketloom-stress needs a JDK " + REQUIRED + " or newer, but this is Java "
                    + System.getProperty("java.version") + " (" + System.getProperty("java.home") + ") and no JDK "
                    + REQUIRED + "+ was found in $SOCKETLOOM_JAVA, $JAVA_HOME, ~/.m2/toolchains.xml, /usr/lib/jvm,"
                    + " /opt/java or ~/.sdkman. Install one (for example `apt-get install openjdk-21-jdk`) or point"
                    + " SOCKETLOOM_JAVA at its home directory.");
            System.exit(2);
            return;
        }
        List<String> command = new ArrayList<String>();
        command.add(java.getPath());
        String opts = System.getenv("SOCKETLOOM_JAVA_OPTS");
        if (opts != null && !opts.trim().isEmpty()) {
            command.addAll(Arrays.asList(opts.trim().split("\\s+")));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CLI);
        command.addAll(Arrays.asList(args));
        final Process child = new ProcessBuilder(command).inheritIO().start();
        // SIGTERM/SIGINT to this launcher reach the real CLI too (serve then stops gracefully)
        Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() {
            @Override
            public void run() {
                if (child.isAlive()) {
                    child.destroy();
                    try {
                        child.waitFor(30, TimeUnit.SECONDS);
                    } catch (InterruptedException ignored) {
                        // exiting anyway
                    }
                }
            }
        }, "socketloom-launcher-forward"));
        int exit;
        while (true) {
            try {
                exit = child.waitFor();
                break;
            } catch (InterruptedException e) {
                child.destroy();
            }
        }
        System.exit(exit);
    }

    /** The newest JDK 21+ among the candidates, or null. */
    static File findJava() {
        Set<File> homes = new LinkedHashSet<File>();
        addHome(homes, System.getenv("SOCKETLOOM_JAVA"));
        addHome(homes, System.getenv("JAVA_HOME"));
        String user = System.getProperty("user.home");
        File toolchains = new File(user, ".m2/toolchains.xml");
        if (toolchains.isFile()) {
            try {
                String xml = new String(Files.readAllBytes(toolchains.toPath()), StandardCharsets.UTF_8);
                Matcher m = Pattern.compile("<jdkHome>\\s*([^<]+?)\\s*</jdkHome>").matcher(xml);
                while (m.find()) {
                    addHome(homes, m.group(1));
                }
            } catch (IOException ignored) {
                // an unreadable toolchains file just contributes no candidates
            }
        }
        for (String dir : new String[] {"/usr/lib/jvm", "/usr/java", "/opt/java", user + "/.sdkman/candidates/java",
                "/Library/Java/JavaVirtualMachines"}) {
            File[] children = new File(dir).listFiles();
            if (children != null) {
                Arrays.sort(children);
                for (File c : children) {
                    homes.add(c);
                    homes.add(new File(c, "Contents/Home"));
                }
            }
        }
        File best = null;
        int bestVersion = 0;
        for (File home : homes) {
            File java = new File(home, "bin/java");
            int version = releaseVersion(home);
            if (java.canExecute() && version >= REQUIRED && version > bestVersion) {
                best = java;
                bestVersion = version;
            }
        }
        return best;
    }

    private static void addHome(Set<File> homes, String path) {
        if (path != null && !path.trim().isEmpty()) {
            homes.add(new File(path.trim()));
        }
    }

    /** The feature version from a JDK's {@code release} file, or 0. */
    private static int releaseVersion(File home) {
        File release = new File(home, "release");
        if (!release.isFile()) {
            return 0;
        }
        try {
            for (String line : Files.readAllLines(release.toPath(), StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return featureOf(line.substring("JAVA_VERSION=".length()).replace("\"", ""));
                }
            }
        } catch (IOException ignored) {
            // unreadable: not a candidate
        }
        return 0;
    }

    /** "1.8.0_402" -> 8, "17" -> 17, "25.0.1" -> 25. */
    public static int featureOf(String version) {
        String v = version.startsWith("1.") ? version.substring(2) : version;
        Matcher m = Pattern.compile("^(\\d+)").matcher(v);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
