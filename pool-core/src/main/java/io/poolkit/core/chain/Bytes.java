package io.poolkit.core.chain;

/** Little-endian writes into arrays, for the serializers in this package. */
final class Bytes {
    private Bytes() {}

    static int putInt32(byte[] out, int offset, int value) {
        out[offset] = (byte) value;
        out[offset + 1] = (byte) (value >>> 8);
        out[offset + 2] = (byte) (value >>> 16);
        out[offset + 3] = (byte) (value >>> 24);
        return offset + 4;
    }

    static int putInt64(byte[] out, int offset, long value) {
        putInt32(out, offset, (int) value);
        return putInt32(out, offset + 4, (int) (value >>> 32));
    }

    static int getInt32(byte[] in, int offset) {
        return (in[offset] & 0xff)
                | (in[offset + 1] & 0xff) << 8
                | (in[offset + 2] & 0xff) << 16
                | (in[offset + 3] & 0xff) << 24;
    }

    static int put(byte[] out, int offset, byte[] bytes) {
        System.arraycopy(bytes, 0, out, offset, bytes.length);
        return offset + bytes.length;
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            offset = put(out, offset, part);
        }
        return out;
    }
}
