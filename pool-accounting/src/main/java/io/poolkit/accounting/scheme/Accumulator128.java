package io.poolkit.accounting.scheme;

import java.math.BigInteger;

/** An unsigned 128-bit running sum. Not thread-safe: confine to one allocation. */
final class Accumulator128 {
    long high;
    long low;

    void add(long addHigh, long addLow) {
        long sum = low + addLow;
        high += addHigh + (Long.compareUnsigned(sum, low) < 0 ? 1 : 0);
        low = sum;
    }

    /** Subtracts, assuming the result is not negative. */
    void subtract(long subHigh, long subLow) {
        long diff = low - subLow;
        high -= subHigh + (Long.compareUnsigned(low, subLow) < 0 ? 1 : 0);
        low = diff;
    }

    int compareTo(long otherHigh, long otherLow) {
        int c = Long.compare(high, otherHigh);
        return c != 0 ? c : Long.compareUnsigned(low, otherLow);
    }

    boolean isZero() {
        return high == 0 && low == 0;
    }

    BigInteger toBigInteger() {
        return ShareWeight.toBigInteger(high, low);
    }
}
