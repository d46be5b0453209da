package io.poolkit.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The one place that fixes forks, warm-up, measurement and JVM flags for every PoolKit benchmark.
 *
 * <p>JMH inherits these annotations; a benchmark class extends this and adds only its own state. Run
 * with {@code -prof gc} wherever allocation matters: {@code gc.alloc.rate.norm} is the bytes per operation.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = {
        "--add-opens", "java.base/sun.security.provider=ALL-UNNAMED",
        "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class PoolKitBenchmark {
}
