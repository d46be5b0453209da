package io.poolkit.core.job;

import io.poolkit.core.chain.Address;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Coinbase;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns block templates into {@link Job}s with the pool's coinbase: payout outputs, pool tag and the
 * extranonce slot.
 *
 * <pre>{@code
 * JobFactory factory = JobFactory.builder()
 *         .payTo(Address.parse("bcrt1q…", Network.REGTEST))
 *         .poolTag("/PoolKit/")
 *         .build();
 * Job job = factory.create(template, true);
 * }</pre>
 *
 * <p>Thread-safe. Job sequence numbers increase across all jobs this factory makes.
 */
public final class JobFactory {
    /** Basis points in a whole: outputs' shares must add up to this. */
    public static final int WHOLE_BPS = 10_000;

    private final List<Address> payoutAddresses;
    private final List<Integer> payoutBps;
    private final byte[] poolTag;
    private final int extranonce1Size;
    private final int extranonce2Size;
    private final Clock clock;
    private final AtomicLong sequence;

    private JobFactory(Builder b) {
        this.payoutAddresses = List.copyOf(b.payoutAddresses);
        this.payoutBps = List.copyOf(b.payoutBps);
        this.poolTag = b.poolTag.clone();
        this.extranonce1Size = b.extranonce1Size;
        this.extranonce2Size = b.extranonce2Size;
        this.clock = b.clock;
        this.sequence = new AtomicLong(b.firstSequence);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A job for {@code template}. The coinbase pays the template's whole coinbase value to the payout
     * addresses in their shares; the first address takes what rounding leaves.
     *
     * @throws IllegalArgumentException when the template cannot carry this pool's coinbase (an address of
     *                                  another network, a script signature over 100 bytes)
     */
    public Job create(BlockTemplate template, boolean cleanJobs) {
        long value = template.coinbaseValueSats();
        long[] amounts = new long[payoutAddresses.size()];
        long assigned = 0;
        for (int i = 1; i < amounts.length; i++) {
            amounts[i] = Math.multiplyExact(value, payoutBps.get(i)) / WHOLE_BPS;
            assigned += amounts[i];
        }
        amounts[0] = value - assigned;
        Coinbase.Builder coinbase = Coinbase.builder()
                .forTemplate(template)
                .poolTag(poolTag)
                .extranonceSize(extranonce1Size, extranonce2Size);
        for (int i = 0; i < amounts.length; i++) {
            coinbase.output(payoutAddresses.get(i).outputScript(), amounts[i]);
        }
        return new Job(sequence.incrementAndGet(), template, coinbase.build(), cleanJobs, clock.instant());
    }

    public int extranonce1Size() {
        return extranonce1Size;
    }

    public int extranonce2Size() {
        return extranonce2Size;
    }

    /** Settings for a {@link JobFactory}; {@link #build()} checks them. */
    public static final class Builder {
        private final List<Address> payoutAddresses = new ArrayList<>();
        private final List<Integer> payoutBps = new ArrayList<>();
        private byte[] poolTag = "/PoolKit/".getBytes(StandardCharsets.US_ASCII);
        private int extranonce1Size = 4;
        private int extranonce2Size = 4;
        private Clock clock = Clock.systemUTC();
        private long firstSequence;

        private Builder() {}

        /** Pays the whole coinbase to {@code address}. */
        public Builder payTo(Address address) {
            return payTo(address, WHOLE_BPS);
        }

        /** Adds an output receiving {@code basisPoints} / 10,000 of the coinbase value. */
        public Builder payTo(Address address, int basisPoints) {
            Objects.requireNonNull(address, "address");
            if (basisPoints <= 0 || basisPoints > WHOLE_BPS) {
                throw new IllegalArgumentException("payout share must be 1..10000 basis points: " + basisPoints);
            }
            payoutAddresses.add(address);
            payoutBps.add(basisPoints);
            return this;
        }

        /** Text placed in the coinbase script signature, e.g. {@code /PoolKit/}. */
        public Builder poolTag(String tag) {
            this.poolTag = Objects.requireNonNull(tag, "tag").getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /** The session-unique part of the extranonce, in bytes (default 4). */
        public Builder extranonce1Size(int size) {
            this.extranonce1Size = size;
            return this;
        }

        /** The miner-chosen part of the extranonce, in bytes: 4 (default) or 8. */
        public Builder extranonce2Size(int size) {
            this.extranonce2Size = size;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The sequence after which job numbering starts (default 0); e.g. a start time, so ids differ across restarts. */
        public Builder firstSequence(long firstSequence) {
            this.firstSequence = firstSequence;
            return this;
        }

        public JobFactory build() {
            if (payoutAddresses.isEmpty()) {
                throw new IllegalArgumentException("a job needs at least one payout address (payTo)");
            }
            int total = payoutBps.stream().mapToInt(Integer::intValue).sum();
            if (total != WHOLE_BPS) {
                throw new IllegalArgumentException("payout shares must add up to 10000 basis points, got " + total);
            }
            long networks = payoutAddresses.stream().map(Address::network).distinct().count();
            if (networks != 1) {
                throw new IllegalArgumentException("payout addresses are on different networks: " + payoutAddresses);
            }
            if (extranonce1Size < 1 || extranonce1Size > 8) {
                throw new IllegalArgumentException("extranonce1 size must be 1..8 bytes: " + extranonce1Size);
            }
            if (extranonce2Size != 4 && extranonce2Size != 8) {
                throw new IllegalArgumentException("extranonce2 size must be 4 or 8 bytes: " + extranonce2Size);
            }
            if (firstSequence < 0) {
                throw new IllegalArgumentException("first sequence must be >= 0: " + firstSequence);
            }
            try {
                // The scriptSig grows with the height; check the pool tag fits at the largest BIP34 height.
                Coinbase.builder().height(Integer.MAX_VALUE).poolTag(poolTag)
                        .extranonceSize(extranonce1Size, extranonce2Size)
                        .output(payoutAddresses.get(0).outputScript(), 0).build();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pool tag of " + poolTag.length + " bytes does not fit the coinbase"
                        + " with a " + (extranonce1Size + extranonce2Size) + "-byte extranonce: " + e.getMessage(), e);
            }
            return new JobFactory(this);
        }
    }
}
