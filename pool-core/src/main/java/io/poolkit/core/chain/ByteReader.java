package io.poolkit.core.chain;

/**
 * A bounds-checked little-endian cursor over serialized blocks and transactions.
 *
 * <p>Every read checks the remaining length first, so truncated or lying input ends in an
 * {@link IllegalArgumentException} that says what was being read and where, never in an
 * {@code ArrayIndexOutOfBoundsException}. Not thread-safe: confine to one parse.
 */
final class ByteReader {
    private final byte[] data;
    private final int end;
    private final String what;
    private int position;

    /** Reads {@code data} whole; {@code what} ("block", "transaction") prefixes error messages. */
    ByteReader(byte[] data, String what) {
        this.data = data;
        this.end = data.length;
        this.what = what;
    }

    int position() {
        return position;
    }

    int remaining() {
        return end - position;
    }

    byte[] data() {
        return data;
    }

    int u8(String field) {
        require(1, field);
        return data[position++] & 0xff;
    }

    /** Peeks the byte {@code ahead} positions on, or -1 past the end. */
    int peek(int ahead) {
        int at = position + ahead;
        return at < end ? data[at] & 0xff : -1;
    }

    int int32(String field) {
        require(4, field);
        int value = (data[position] & 0xff)
                | (data[position + 1] & 0xff) << 8
                | (data[position + 2] & 0xff) << 16
                | (data[position + 3] & 0xff) << 24;
        position += 4;
        return value;
    }

    long uint32(String field) {
        return int32(field) & 0xffff_ffffL;
    }

    long int64(String field) {
        require(8, field);
        long low = uint32(field);
        long high = uint32(field);
        return high << 32 | low;
    }

    /**
     * A CompactSize count of items that each take at least {@code minItemBytes} bytes: a count the
     * remaining input cannot hold is rejected before anything is allocated for it.
     */
    int count(String field, int minItemBytes) {
        long value = varInt(field);
        long room = minItemBytes == 0 ? remaining() : remaining() / minItemBytes;
        if (value < 0 || value > room) {
            throw new IllegalArgumentException("truncated or corrupt " + what + " at offset " + position + ": "
                    + field + " says " + Long.toUnsignedString(value) + " items but only " + remaining()
                    + " bytes remain");
        }
        return (int) value;
    }

    long varInt(String field) {
        if (remaining() < 1) {
            throw truncated(1, field);
        }
        int size = VarInt.encodedSize(data, position);
        require(size, field);
        long value;
        try {
            value = VarInt.read(data, position);
        } catch (IllegalArgumentException e) {
            throw error("bad varint for " + field + " (" + e.getMessage() + ")");
        }
        position += size;
        return value;
    }

    byte[] bytes(int length, String field) {
        require(length, field);
        byte[] copy = new byte[length];
        System.arraycopy(data, position, copy, 0, length);
        position += length;
        return copy;
    }

    /** Bytes whose length is given by a preceding CompactSize. */
    byte[] varBytes(String field) {
        int length = count(field + " length", 1);
        return bytes(length, field);
    }

    Hash256 hash(String field) {
        require(Hash256.LENGTH, field);
        Hash256 hash = Hash256.fromInternalBytes(data, position);
        position += Hash256.LENGTH;
        return hash;
    }

    void skip(int length, String field) {
        require(length, field);
        position += length;
    }

    void requireEnd() {
        if (position != end) {
            throw error((end - position) + " unexpected trailing bytes after the " + what);
        }
    }

    IllegalArgumentException error(String message) {
        return new IllegalArgumentException("malformed " + what + " at offset " + position + ": " + message);
    }

    private void require(int length, String field) {
        if (length < 0 || remaining() < length) {
            throw truncated(length, field);
        }
    }

    private IllegalArgumentException truncated(int length, String field) {
        return new IllegalArgumentException("truncated " + what + " at offset " + position + ": " + field
                + " needs " + length + " bytes but only " + remaining() + " remain (input is " + end
                + " bytes)");
    }
}
