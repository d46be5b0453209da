package io.poolkit.stratum.client;

import io.poolkit.stratum.codec.StratumValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The extensions a client asks for with {@code mining.configure} (BIP 310): version rolling, a minimum
 * difficulty, extranonce subscription. Immutable and thread-safe.
 *
 * <pre>{@code
 * ConfigureRequest request = ConfigureRequest.builder()
 *         .versionRolling(0x1fffe000, 2)
 *         .minimumDifficulty(2048)
 *         .build();
 * }</pre>
 */
public final class ConfigureRequest {
    private final List<StratumValue> params;

    private ConfigureRequest(List<StratumValue> params) {
        this.params = params;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code [["version-rolling",...], {"version-rolling.mask":"1fffe000", ...}]}. */
    List<StratumValue> params() {
        return params;
    }

    @Override
    public String toString() {
        return "ConfigureRequest" + StratumValue.array(params).toJson();
    }

    /** Builds a {@link ConfigureRequest}; at least one extension is required. Not thread-safe. */
    public static final class Builder {
        private Integer versionRollingMask;
        private int minBitCount;
        private Double minimumDifficulty;
        private boolean subscribeExtranonce;

        private Builder() {}

        /** Asks for BIP 310 version rolling on the bits of {@code mask}, needing at least {@code minBitCount} of them. */
        public Builder versionRolling(int mask, int minBitCount) {
            if (minBitCount < 0 || minBitCount > 32) {
                throw new IllegalArgumentException("minBitCount must be 0..32; got " + minBitCount);
            }
            this.versionRollingMask = mask;
            this.minBitCount = minBitCount;
            return this;
        }

        /** Asks the pool never to set a share difficulty below {@code difficulty}. */
        public Builder minimumDifficulty(double difficulty) {
            if (!(difficulty > 0) || Double.isInfinite(difficulty)) {
                throw new IllegalArgumentException("minimum difficulty must be finite and positive; got " + difficulty);
            }
            this.minimumDifficulty = difficulty;
            return this;
        }

        /** Announces that this client understands {@code mining.set_extranonce}. */
        public Builder subscribeExtranonce() {
            this.subscribeExtranonce = true;
            return this;
        }

        public ConfigureRequest build() {
            List<StratumValue> names = new ArrayList<>();
            Map<String, StratumValue> options = new LinkedHashMap<>();
            if (versionRollingMask != null) {
                names.add(StratumValue.of("version-rolling"));
                options.put("version-rolling.mask", StratumValue.of(String.format("%08x", versionRollingMask)));
                options.put("version-rolling.min-bit-count", StratumValue.of(minBitCount));
            }
            if (minimumDifficulty != null) {
                names.add(StratumValue.of("minimum-difficulty"));
                options.put("minimum-difficulty.value", StratumValue.of(minimumDifficulty));
            }
            if (subscribeExtranonce) {
                names.add(StratumValue.of("subscribe-extranonce"));
            }
            if (names.isEmpty()) {
                throw new IllegalStateException("a ConfigureRequest needs at least one extension");
            }
            return new ConfigureRequest(List.of(StratumValue.array(names), StratumValue.object(options)));
        }
    }
}
