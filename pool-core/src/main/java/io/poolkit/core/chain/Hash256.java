package io.poolkit.core.chain;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 32-byte double-SHA-256 hash (a block hash or a txid), immutable.
 *
 * <p>Bitcoin stores hashes in "internal" byte order (as SHA-256 produced them) and displays them
 * reversed; the factories and accessors name which one they take or give.
 *
 * <pre>{@code
 * Hash256 genesis = Hash256.fromDisplayHex("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
 * byte[] asInHeader = genesis.internalBytes();
 * }</pre>
 */
public final class Hash256 implements Comparable<Hash256> {
    public static final int LENGTH = 32;
    public static final Hash256 ZERO = new Hash256(new byte[LENGTH]);

    private static final HexFormat HEX = HexFormat.of();

    private final byte[] internal;

    private Hash256(byte[] internal) {
        this.internal = internal;
    }

    /** From the 32 bytes as they appear inside serialized blocks and transactions. Copies the array. */
    public static Hash256 fromInternalBytes(byte[] internal) {
        return fromInternalBytes(internal, 0);
    }

    /** From 32 bytes in internal order starting at {@code offset}. Copies them. */
    public static Hash256 fromInternalBytes(byte[] source, int offset) {
        if (offset < 0 || source.length - offset < LENGTH) {
            throw new IllegalArgumentException("a hash needs 32 bytes; got " + (source.length - offset));
        }
        return new Hash256(Arrays.copyOfRange(source, offset, offset + LENGTH));
    }

    /** From the 64-hex-digit form that block explorers and {@code bitcoind} display (byte-reversed). */
    public static Hash256 fromDisplayHex(String displayHex) {
        if (displayHex == null || displayHex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("a hash is 64 hex digits; got '" + displayHex + "'");
        }
        byte[] bytes;
        try {
            bytes = HEX.parseHex(displayHex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a hex hash: '" + displayHex + "'", e);
        }
        reverse(bytes);
        return new Hash256(bytes);
    }

    /** A copy of the bytes in internal order. */
    public byte[] internalBytes() {
        return internal.clone();
    }

    /** Copies the internal-order bytes into {@code destination} at {@code offset}. */
    public void copyInternalBytes(byte[] destination, int offset) {
        System.arraycopy(internal, 0, destination, offset, LENGTH);
    }

    /** A copy of the bytes in display order (reversed). */
    public byte[] displayBytes() {
        byte[] copy = internal.clone();
        reverse(copy);
        return copy;
    }

    /** The byte-reversed hex form {@code bitcoind} and explorers show. */
    public String displayHex() {
        return HEX.formatHex(displayBytes());
    }

    /** Hex of the internal-order bytes, as they appear in serialized data. */
    public String internalHex() {
        return HEX.formatHex(internal);
    }

    /** Compares as the 256-bit little-endian numbers the hashes are (the order proof of work uses). */
    @Override
    public int compareTo(Hash256 other) {
        for (int i = LENGTH - 1; i >= 0; i--) {
            int c = Integer.compare(internal[i] & 0xff, other.internal[i] & 0xff);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hash256 other && Arrays.equals(internal, other.internal);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(internal);
    }

    /** The display hex. */
    @Override
    public String toString() {
        return displayHex();
    }

    private static void reverse(byte[] bytes) {
        for (int i = 0, j = bytes.length - 1; i < j; i++, j--) {
            byte t = bytes[i];
            bytes[i] = bytes[j];
            bytes[j] = t;
        }
    }
}
