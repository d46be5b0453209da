package io.poolkit.core.chain;

import java.io.ByteArrayOutputStream;

/**
 * Bitcoin's variable-length integer ("CompactSize"): 1, 3, 5 or 9 bytes, little-endian.
 */
public final class VarInt {
    private VarInt() {}

    /** How many bytes {@code value} takes when encoded. */
    public static int size(long value) {
        if (value < 0) {
            return 9; // unsigned values above Long.MAX_VALUE
        }
        if (value < 0xfd) {
            return 1;
        }
        if (value <= 0xffff) {
            return 3;
        }
        if (value <= 0xffff_ffffL) {
            return 5;
        }
        return 9;
    }

    /** Writes {@code value} at {@code offset}; returns the offset after it. */
    public static int write(long value, byte[] out, int offset) {
        int size = size(value);
        switch (size) {
            case 1 -> out[offset] = (byte) value;
            case 3 -> out[offset] = (byte) 0xfd;
            case 5 -> out[offset] = (byte) 0xfe;
            default -> out[offset] = (byte) 0xff;
        }
        for (int i = 1; i < size; i++) {
            out[offset + i] = (byte) (value >>> (8 * (i - 1)));
        }
        return offset + size;
    }

    public static void write(long value, ByteArrayOutputStream out) {
        byte[] buffer = new byte[9];
        int end = write(value, buffer, 0);
        out.write(buffer, 0, end);
    }

    public static byte[] encode(long value) {
        byte[] out = new byte[size(value)];
        write(value, out, 0);
        return out;
    }

    /**
     * Reads the value at {@code offset}. Non-canonical encodings (a value written longer than needed) are
     * rejected, as Bitcoin Core does.
     */
    public static long read(byte[] in, int offset) {
        requireBytes(in, offset, 1);
        int first = in[offset] & 0xff;
        int size = first < 0xfd ? 1 : first == 0xfd ? 3 : first == 0xfe ? 5 : 9;
        if (size == 1) {
            return first;
        }
        requireBytes(in, offset, size);
        long value = 0;
        for (int i = size - 1; i >= 1; i--) {
            value = (value << 8) | (in[offset + i] & 0xff);
        }
        if (size(value) != size) {
            throw new IllegalArgumentException("non-canonical varint at offset " + offset);
        }
        return value;
    }

    /** The encoded size of the varint starting at {@code offset}, from its first byte. */
    public static int encodedSize(byte[] in, int offset) {
        requireBytes(in, offset, 1);
        int first = in[offset] & 0xff;
        return first < 0xfd ? 1 : first == 0xfd ? 3 : first == 0xfe ? 5 : 9;
    }

    private static void requireBytes(byte[] in, int offset, int count) {
        if (offset < 0 || in.length - offset < count) {
            throw new IllegalArgumentException("varint at offset " + offset + " runs past the end ("
                    + in.length + " bytes)");
        }
    }
}
