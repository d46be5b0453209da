package io.poolkit.core.chain;

import java.util.Arrays;
import java.util.Objects;

/**
 * One output of a transaction: an amount in satoshis and the script that locks it. Immutable and
 * thread-safe; the script is copied in and out.
 *
 * <pre>{@code
 * TxOutput payout = TxOutput.of(script, 312_500_000L);
 * }</pre>
 */
public final class TxOutput {
    /** Bitcoin's {@code MAX_MONEY}: 21 million BTC in satoshis. No single amount may exceed it. */
    public static final long MAX_MONEY_SATS = 21_000_000L * 100_000_000L;

    private final long valueSats;
    private final byte[] script;

    private TxOutput(long valueSats, byte[] script) {
        this.valueSats = valueSats;
        this.script = script;
    }

    /** An output paying {@code valueSats} (0..{@link #MAX_MONEY_SATS}) to {@code script}. Copies the script. */
    public static TxOutput of(byte[] script, long valueSats) {
        Objects.requireNonNull(script, "script");
        if (valueSats < 0 || valueSats > MAX_MONEY_SATS) {
            throw new IllegalArgumentException("output value must be 0.." + MAX_MONEY_SATS + " sats: " + valueSats);
        }
        return new TxOutput(valueSats, script.clone());
    }

    /** Trusted path for the parser: values outside MAX_MONEY are kept as read, the array is owned. */
    static TxOutput owned(long valueSats, byte[] script) {
        return new TxOutput(valueSats, script);
    }

    /** The amount in satoshis, as serialized (a parsed output may carry any 64-bit value). */
    public long valueSats() {
        return valueSats;
    }

    /** A copy of the locking script ({@code scriptPubKey}). */
    public byte[] script() {
        return script.clone();
    }

    public String scriptHex() {
        return Hex.encode(script);
    }

    public int scriptLength() {
        return script.length;
    }

    /** True when the script begins with {@code prefix}; avoids copying the script. */
    public boolean scriptStartsWith(byte[] prefix) {
        return script.length >= prefix.length && Arrays.equals(script, 0, prefix.length, prefix, 0, prefix.length);
    }

    int serializedSize() {
        return 8 + VarInt.size(script.length) + script.length;
    }

    int writeTo(byte[] out, int offset) {
        offset = Bytes.putInt64(out, offset, valueSats);
        offset = VarInt.write(script.length, out, offset);
        System.arraycopy(script, 0, out, offset, script.length);
        return offset + script.length;
    }

    byte[] scriptUnsafe() {
        return script;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TxOutput other && valueSats == other.valueSats && Arrays.equals(script, other.script);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(valueSats) + Arrays.hashCode(script);
    }

    @Override
    public String toString() {
        return "TxOutput[" + valueSats + " sats to " + scriptHex() + "]";
    }
}
