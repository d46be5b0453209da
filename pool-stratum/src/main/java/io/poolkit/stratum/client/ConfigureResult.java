package io.poolkit.stratum.client;

import io.poolkit.stratum.codec.StratumValue;
import java.util.Map;

/**
 * The pool's answer to {@code mining.configure} (BIP 310): which extensions it accepted and with what
 * parameters. Immutable and thread-safe.
 */
public final class ConfigureResult {
    private final Map<String, StratumValue> values;

    private ConfigureResult(Map<String, StratumValue> values) {
        this.values = values;
    }

    static ConfigureResult fromResult(StratumValue result) {
        if (!result.isObject()) {
            throw new IllegalArgumentException("a configure result is an object; got "
                    + SubscribeResult.abbreviate(result.toJson()));
        }
        return new ConfigureResult(result.asObject());
    }

    /** Whether the pool accepted version rolling ({@code "version-rolling": true}). */
    public boolean versionRolling() {
        return isTrue("version-rolling");
    }

    /** The mask of version bits the miner may roll; 0 when version rolling was not accepted or no valid mask came. */
    public int versionRollingMask() {
        StratumValue mask = values.get("version-rolling.mask");
        if (!versionRolling() || mask == null || !mask.isString() || !StratumClient.isHex32(mask.asString())) {
            return 0;
        }
        return Integer.parseUnsignedInt(mask.asString(), 16);
    }

    /** Whether the pool accepted the minimum difficulty. */
    public boolean minimumDifficulty() {
        return isTrue("minimum-difficulty");
    }

    /** Whether the pool will send {@code mining.set_extranonce}. */
    public boolean subscribeExtranonce() {
        return isTrue("subscribe-extranonce");
    }

    /** Everything the pool answered, by name, in its order (unmodifiable). */
    public Map<String, StratumValue> values() {
        return values;
    }

    private boolean isTrue(String name) {
        StratumValue value = values.get(name);
        return value != null && value.isBoolean() && value.asBoolean();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigureResult other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "ConfigureResult" + StratumValue.object(values).toJson();
    }
}
