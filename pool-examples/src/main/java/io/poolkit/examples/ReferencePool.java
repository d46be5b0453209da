package io.poolkit.examples;

import io.poolkit.examples.CommandLine.Command;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Properties;

/**
 * The reference pool's entry point. Placeholder until the Stratum server lands in main: the command line and
 * configuration are checked, the pool itself is wired in the next commit.
 */
public final class ReferencePool {
    private ReferencePool() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Command command;
        try {
            command = CommandLine.parse(args);
        } catch (ConfigException e) {
            err.println("poolkit: " + e.getMessage() + " (see --help)");
            return 2;
        }
        if (command instanceof Command.Help help) {
            out.print(help.text());
            return 0;
        }
        if (command instanceof Command.Version) {
            out.println("PoolKit reference pool " + version());
            return 0;
        }
        err.println("poolkit: cannot start: the Stratum server is not in this build yet");
        return 1;
    }

    static String version() {
        try (InputStream in = ReferencePool.class.getResourceAsStream("/poolkit-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
