package io.poolkit.core.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The engine choice in a fresh JVM, as a user without PoolKit's JVM flags would get it. Each case starts
 * one short-lived child JVM (bounded by a timeout) running {@link EngineReport}.
 */
class HeaderHasherFallbackTest {
    private static final String GENESIS = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";

    @Test
    void fallsBackToMessageDigestAndSaysWhyWhenTheJdkPackageIsNotOpened() throws Exception {
        String output = runEngineReport();

        assertTrue(output.contains("engine=message-digest"), output);
        assertTrue(output.contains("genesis=" + GENESIS), output);
        assertTrue(output.contains("--add-opens java.base/sun.security.provider=ALL-UNNAMED"), output);
        assertEquals(1, count(output, "HeaderHasher engine: "), "the choice is logged once: " + output);
    }

    @Test
    void usesTheJdkCompressionInAFreshJvmWithThePackageOpened() throws Exception {
        String output = runEngineReport("--add-opens", "java.base/sun.security.provider=ALL-UNNAMED");

        assertTrue(output.contains("engine=jdk-sha2-compress"), output);
        assertTrue(output.contains("genesis=" + GENESIS), output);
    }

    @Test
    void honoursAPreferredEngine() throws Exception {
        String output = runEngineReport("--add-opens", "java.base/sun.security.provider=ALL-UNNAMED",
                "-D" + HeaderHasher.ENGINE_PROPERTY + "=pure-java");

        assertTrue(output.contains("engine=pure-java"), output);
        assertTrue(output.contains("genesis=" + GENESIS), output);
    }

    private static String runEngineReport(String... jvmFlags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xshare:auto");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        command.addAll(List.of(jvmFlags));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(EngineReport.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child JVM did not finish within 60 s: " + command);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }

    /** Prints the engine this JVM chose and the genesis hash computed with it. */
    static final class EngineReport {
        public static void main(String[] args) {
            byte[] header = HeaderHasherTest.header(1,
                    "0000000000000000000000000000000000000000000000000000000000000000",
                    "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
                    1231006505, 0x1d00ffff, (int) 2083236893L);
            byte[] hash = HeaderHasherTest.hashHeader(new HeaderHasher(), header);
            new HeaderHasher();
            System.out.println("engine=" + HeaderHasher.engineName());
            System.out.println("genesis=" + HeaderHasherTest.displayHex(hash));
        }
    }
}
