package io.poolkit.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pool's memory as the harness samples it: the resident set from /proc, live heap through jcmd. */
@Timeout(120)
class MemoryProbeTest {
    @Test
    void readsTheTotalOfAClassHistogram() {
        String histogram = """
                12345:
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:         12000        1920000  [B (java.base@17.0.15)
                   2:          9000         216000  java.lang.String (java.base@17.0.15)
                Total         21000        2136000
                """;
        assertEquals(2_136_000, MemoryProbe.histogramTotalBytes(histogram));
        assertEquals(-1, MemoryProbe.histogramTotalBytes("12345:\ncom.sun.tools.attach.AttachNotSupportedException"));
    }

    @Test
    void seesAnotherJvmsLiveHeapGrowByWhatItHolds() {
        Path status = Path.of("/proc/self/status");
        assumeTrue(Files.isReadable(status), "Linux /proc");
        // This JVM, looked at from outside as the harness looks at a pool: jcmd attaches to it.
        MemoryProbe probe = MemoryProbe.ofProcess(ProcessHandle.current().pid());
        assertTrue(probe.rssKib() > 1_000, "VmRSS " + probe.rssKib() + " KiB");
        long before = probe.liveHeapBytes();
        assertTrue(before > 0, "live heap " + before);
        byte[][] held = new byte[64][];
        for (int i = 0; i < held.length; i++) {
            held[i] = new byte[1 << 20];
        }
        long holding = probe.liveHeapBytes();
        long grown = holding - before;
        assertTrue(grown >= 63L << 20 && grown <= 72L << 20, "grew by " + grown + " bytes holding 64 MiB");
        assertEquals(64, held.length); // held until here
    }
}
