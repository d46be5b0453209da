package io.poolkit.core.chain;

import java.math.BigInteger;

/** Proof-of-work arithmetic done the slow, obvious way with BigInteger, to check the code under test. */
final class Pow {
    private Pow() {}

    /** The target that compact {@code bits} encode (mantissa times 256^(exponent-3)); positive bits only. */
    static BigInteger target(int bits) {
        int exponent = bits >>> 24;
        BigInteger mantissa = BigInteger.valueOf(bits & 0x007f_ffff);
        return exponent <= 3 ? mantissa.shiftRight(8 * (3 - exponent)) : mantissa.shiftLeft(8 * (exponent - 3));
    }

    /** The hash read as the 256-bit number proof of work compares (display order is big-endian). */
    static BigInteger number(Hash256 hash) {
        return new BigInteger(1, hash.displayBytes());
    }

    static boolean meets(Hash256 hash, int bits) {
        return number(hash).compareTo(target(bits)) <= 0;
    }
}
