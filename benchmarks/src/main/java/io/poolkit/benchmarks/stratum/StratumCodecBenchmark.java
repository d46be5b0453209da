package io.poolkit.benchmarks.stratum;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.poolkit.benchmarks.PoolKitBenchmark;
import io.poolkit.core.chain.Hash256;
import io.poolkit.stratum.codec.MiningNotify;
import io.poolkit.stratum.codec.StratumDecoder;
import io.poolkit.stratum.codec.StratumId;
import io.poolkit.stratum.codec.StratumMessage;
import io.poolkit.stratum.codec.StratumRequest;
import io.poolkit.stratum.codec.StratumWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The Stratum codec's hot paths: decoding a miner's {@code mining.submit}, encoding a job's
 * {@code mining.notify} once for the fan-out, and writing the accepted-share reply.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar StratumCodecBenchmark -prof gc
 * </pre>
 *
 * <p>The submit line is byte for byte what cpuminer 2.5.1 sends (its format string, with the worker and
 * job of the recorded cpuminer/ckpool session). The notify has the field sizes of that session's
 * notify (a 57-byte coinb1, a 109-byte coinb2) and a 12-step merkle branch, as for a block of about
 * 2,000 to 4,000 transactions.
 *
 * <p>The writers write into one reused buffer so the figures show the codec's own cost. On a Netty
 * event loop thread a pooled buffer costs no garbage either (the allocator's thread cache and recycler
 * serve it); JMH's plain threads get neither, so allocating per operation here would add about 104
 * bytes per operation that a server does not pay.
 */
@State(Scope.Thread)
public class StratumCodecBenchmark extends PoolKitBenchmark {
    static final String SUBMIT_LINE = "{\"method\": \"mining.submit\", \"params\": [\"bcrt1qsw9dlwykky7nee5rj58py9shlrnzc6y626tfh0.rig1\","
            + " \"6b0715a100000001\", \"0000000000000001\", \"6b0715a1\", \"8c3e0f2d\"], \"id\":4}";

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private StratumDecoder decoder;
    private ByteBuf submitLine;
    private MiningNotify notify;
    private StratumId submitId;
    private ByteBuf out;

    @Setup
    public void setUp() {
        decoder = new StratumDecoder();
        byte[] line = SUBMIT_LINE.getBytes(StandardCharsets.US_ASCII);
        // A direct buffer, as a server's pooled socket reads deliver.
        submitLine = alloc.directBuffer(line.length).writeBytes(line);
        StratumMessage decoded = decoder.decode(submitLine);
        if (!(decoded instanceof StratumRequest request) || request.paramCount() != 5) {
            throw new IllegalStateException("the submit line must decode as a request: " + decoded);
        }
        submitId = request.id();
        notify = notifyWithBranch(12);
        out = alloc.directBuffer(2048);
    }

    @TearDown
    public void tearDown() {
        submitLine.release();
        out.release();
    }

    /** One {@code mining.submit} line → a {@link StratumRequest}. */
    @Benchmark
    public StratumMessage decodeSubmit() {
        return decoder.decode(submitLine);
    }

    /** One job's {@code mining.notify} (12-step branch), as encoded once per job for the fan-out. */
    @Benchmark
    public int encodeNotify() {
        out.clear();
        StratumWriter.writeNotify(out, notify);
        return out.readableBytes();
    }

    /** {@code {"id":4,"result":true,"error":null}\n}: the reply to every accepted share. */
    @Benchmark
    public int replyAccepted() {
        out.clear();
        StratumWriter.writeTrue(out, submitId);
        return out.readableBytes();
    }

    static MiningNotify notifyWithBranch(int steps) {
        List<Hash256> branch = new ArrayList<>(steps);
        for (int i = 0; i < steps; i++) {
            byte[] hash = new byte[Hash256.LENGTH];
            for (int j = 0; j < hash.length; j++) {
                hash[j] = (byte) (i * 73 + j * 29 + 11);
            }
            branch.add(Hash256.fromInternalBytes(hash));
        }
        return MiningNotify.builder()
                .jobId("6b0715a100000001")
                .prevHash(Hash256.fromInternalBytes(filler(Hash256.LENGTH, 3)))
                .coinbase1(filler(57, 1))
                .coinbase2(filler(109, 2))
                .merkleBranch(branch)
                .version(0x20000000)
                .nbits(0x207fffff)
                .ntime(0x6b0715a1)
                .cleanJobs(true)
                .build();
    }

    private static byte[] filler(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 37 + seed);
        }
        return bytes;
    }
}
