package io.poolkit.benchmarks.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pool's memory, as the harness samples it before connecting and once every connection is ready: the
 * process's resident set, and the heap its live objects take.
 */
interface MemoryProbe {
    /** The pool's resident set size in KiB ({@code VmRSS}), or -1 when unknown. */
    long rssKib();

    /** Bytes of live heap objects after a full collection, or -1 when unknown. */
    long liveHeapBytes();

    /** What the probe looks at, for the report. */
    String describe();

    /** No pool process to look at: both figures unknown. */
    static MemoryProbe none() {
        return new MemoryProbe() {
            @Override
            public long rssKib() {
                return -1;
            }

            @Override
            public long liveHeapBytes() {
                return -1;
            }

            @Override
            public String describe() {
                return "none (no --pid)";
            }
        };
    }

    /**
     * Another JVM, by process id: {@code /proc/PID/status} for the resident set, and {@code jcmd PID
     * GC.class_histogram} (a full collection, then the total of every live object) for the heap.
     */
    static MemoryProbe ofProcess(long pid) {
        return new OtherProcess(pid);
    }

    /**
     * This JVM, for a pool started in the same process (tests): {@code /proc/self/status} and the heap in use
     * after {@code System.gc()} ({@link java.lang.management.MemoryMXBean}). It counts the harness's own
     * clients too, so its figures show that the measuring works, not what a session costs.
     */
    static MemoryProbe ofThisProcess() {
        return new ThisProcess();
    }

    /** {@code VmRSS} of {@code status} (a {@code /proc/PID/status} file) in KiB, or -1. */
    static long rssKib(Path status) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").strip());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** The bytes of the {@code Total} line of a {@code GC.class_histogram}, or -1 when there is none. */
    static long histogramTotalBytes(String histogram) {
        for (String line : histogram.split("\n")) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length == 3 && parts[0].equals("Total")) {
                try {
                    return Long.parseLong(parts[2]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** Another JVM by pid. */
    final class OtherProcess implements MemoryProbe {
        private final long pid;

        OtherProcess(long pid) {
            this.pid = pid;
        }

        @Override
        public long rssKib() {
            return MemoryProbe.rssKib(Path.of("/proc", Long.toString(pid), "status"));
        }

        @Override
        public long liveHeapBytes() {
            String out = jcmd("GC.class_histogram");
            long total = out == null ? -1 : histogramTotalBytes(out);
            if (total < 0) {
                System.err.println("load: jcmd " + pid + " GC.class_histogram gave no Total line; heap unknown");
            }
            return total;
        }

        @Override
        public String describe() {
            return "process " + pid + " (VmRSS; jcmd GC.class_histogram)";
        }

        /** Runs {@code jcmd PID COMMAND} (bounded to 2 minutes); its output, or null when it failed. */
        private String jcmd(String command) {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            List<String> line = List.of(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid),
                    command);
            Path output = null;
            try {
                // Into a file, so that a jcmd that hangs cannot hold this thread past the bound.
                output = Files.createTempFile("poolkit-jcmd", ".txt");
                Process process = new ProcessBuilder(line).redirectErrorStream(true)
                        .redirectOutput(output.toFile()).start();
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    return null;
                }
                return process.exitValue() == 0 ? Files.readString(output, StandardCharsets.UTF_8) : null;
            } catch (IOException e) {
                System.err.println("load: cannot run " + line + ": " + e.getMessage());
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } finally {
                if (output != null) {
                    try {
                        Files.deleteIfExists(output);
                    } catch (IOException e) {
                        // a temporary file left behind
                    }
                }
            }
        }
    }

    /** This JVM. */
    final class ThisProcess implements MemoryProbe {
        @Override
        public long rssKib() {
            return MemoryProbe.rssKib(Path.of("/proc/self/status"));
        }

        @Override
        public long liveHeapBytes() {
            long used = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                System.gc();
                used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            }
            return used;
        }

        @Override
        public String describe() {
            return "this process (VmRSS; heap used after System.gc())";
        }
    }
}
