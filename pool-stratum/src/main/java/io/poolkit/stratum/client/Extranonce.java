package io.poolkit.stratum.client;

import io.poolkit.core.chain.Hex;
import java.util.Arrays;

/**
 * The extranonce a pool assigned to a connection: {@code extranonce1} (the pool's bytes, placed in the
 * coinbase right after {@code coinb1}) and the number of {@code extranonce2} bytes the miner fills in
 * after them. Immutable and thread-safe.
 */
public final class Extranonce {
    private final byte[] extranonce1;
    private final int extranonce2Size;

    private Extranonce(byte[] extranonce1, int extranonce2Size) {
        this.extranonce1 = extranonce1;
        this.extranonce2Size = extranonce2Size;
    }

    /** From the hex the pool sent and the extranonce2 size (0..32 bytes). */
    public static Extranonce of(String extranonce1Hex, int extranonce2Size) {
        if (extranonce2Size < 0 || extranonce2Size > 32) {
            throw new IllegalArgumentException("extranonce2 size must be 0..32 bytes; got " + extranonce2Size);
        }
        return new Extranonce(Hex.decode(extranonce1Hex), extranonce2Size);
    }

    /** A copy of extranonce1's bytes. */
    public byte[] extranonce1() {
        return extranonce1.clone();
    }

    public String extranonce1Hex() {
        return Hex.encode(extranonce1);
    }

    /** How many extranonce2 bytes the miner appends after extranonce1. */
    public int extranonce2Size() {
        return extranonce2Size;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Extranonce other && extranonce2Size == other.extranonce2Size
                && Arrays.equals(extranonce1, other.extranonce1);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(extranonce1) + extranonce2Size;
    }

    @Override
    public String toString() {
        return "Extranonce{" + extranonce1Hex() + " + " + extranonce2Size + " bytes}";
    }
}
