package io.poolkit.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.benchmarks.load.LoadOptions.Mode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The harness's command line: {@code --help} lists every option; a bad one is named with its value and what is allowed. */
class LoadOptionsTest {
    private record Outcome(int status, String out, String err) {}

    private static Outcome harness(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LoadHarness.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        Outcome help = harness("--help");
        assertEquals(0, help.status());
        for (CommandOptions.Option<LoadOptions.Builder> option : LoadOptions.OPTIONS) {
            assertTrue(help.out().contains(option.name() + " "), option.name() + " in\n" + help.out());
            assertTrue(help.out().contains("(default: " + option.defaultText() + ")"), option.defaultText());
        }
        assertEquals(help.out(), harness("--port", "1", "-h").out());
    }

    @Test
    void badOptionsAreNamedWithTheirValueAndWhatIsAllowed() {
        assertRefused("invalid --connections '18001': expected a whole number from 1 to 18000",
                "--connections", "18001");
        assertRefused("invalid --connections 'many': expected a whole number from 1 to 18000",
                "--connections=many");
        assertRefused("invalid --mode 'fast': expected closed, rate or idle", "--mode", "fast");
        assertRefused("missing --rate: --mode rate needs an aggregate rate", "--mode", "rate");
        assertRefused("invalid --rate '100': expected no --rate unless --mode rate", "--rate", "100");
        assertRefused("invalid --rate '-5': expected a number above 0", "--mode", "rate", "--rate", "-5");
        assertRefused("invalid --host '10.0.0.1': expected a numeric loopback address", "--host", "10.0.0.1");
        assertRefused("invalid --duration '2h': expected a duration from 0.1 to 3600 seconds", "--duration", "2h");
        assertRefused("invalid --user 'a%d%d': expected a worker name", "--user", "a%d%d");
        assertRefused("unknown option '--conns': expected one of --host, --port, --connections", "--conns", "5");
        assertRefused("missing value for --port: expected PORT", "--port");
    }

    private static void assertRefused(String message, String... args) {
        Outcome outcome = harness(args);
        assertEquals(2, outcome.status(), outcome.err());
        assertTrue(outcome.err().startsWith("load: " + message), outcome.err());
        assertEquals("", outcome.out());
    }

    @Test
    void connectionsAreSpreadOverSourceAddressesAndNamedByIndex() {
        LoadOptions o = LoadOptions.parse("--connections", "12000", "--mode", "rate", "--rate", "10000",
                "--duration", "500ms", "--user", "bcrt1qexample.rig%d");
        assertEquals(Mode.RATE, o.mode);
        assertEquals(10_000, o.rate);
        assertEquals(Duration.ofMillis(500), o.duration);
        assertEquals(3, o.sourceAddresses, "one per 5,000 connections");
        assertEquals("127.0.0.1", o.sourceAddress(0).getHostAddress());
        assertEquals("127.0.0.2", o.sourceAddress(4).getHostAddress());
        assertEquals("127.0.0.3", o.sourceAddress(5).getHostAddress());
        assertEquals("bcrt1qexample.rig7", o.worker(7));
        assertEquals(1, LoadOptions.parse("--connections", "5000").sourceAddresses);
        assertEquals(7, LoadOptions.parse("--source-addresses", "7").sourceAddresses);
    }

    @Test
    void anOpenFileLimitTooLowForTheConnectionsStopsTheRunFirst() {
        // This process's limit is far below a billion connections' worth.
        try {
            LoadHarness.checkOpenFileLimit(1_000_000_000);
        } catch (LoadHarness.LoadException e) {
            assertTrue(e.getMessage().contains("ulimit -n"), e.getMessage());
            return;
        }
        assertTrue(!java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/self/limits")),
                "a limit was readable but not enforced");
    }
}
