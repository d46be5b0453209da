package io.poolkit.core.chain;

import java.util.Arrays;
import java.util.OptionalLong;

/** The few script encodings a coinbase needs: data pushes and BIP34 height numbers. */
final class Script {
    static final int OP_0 = 0x00;
    static final int OP_PUSHDATA1 = 0x4c;
    static final int OP_1 = 0x51;
    static final int OP_16 = 0x60;
    /** The longest data a single opcode byte can push. */
    static final int MAX_DIRECT_PUSH = 0x4b;

    private Script() {}

    /**
     * {@code CScript() << height} as Bitcoin Core writes it and BIP34 checks it: OP_0 for 0, OP_1..OP_16
     * for 1..16 ({@code CScript::push_int64}), otherwise a push of the minimal CScriptNum (little-endian,
     * with an extra 0x00 when the top bit of the last byte is set, since that bit is the sign).
     */
    static byte[] heightPush(long height) {
        if (height < 0) {
            throw new IllegalArgumentException("height must be >= 0: " + height);
        }
        if (height == 0) {
            return new byte[] {OP_0};
        }
        if (height <= 16) {
            return new byte[] {(byte) (OP_1 - 1 + height)};
        }
        byte[] number = new byte[9];
        int length = 0;
        for (long v = height; v != 0; v >>>= 8) {
            number[length++] = (byte) v;
        }
        if ((number[length - 1] & 0x80) != 0) {
            number[length++] = 0;
        }
        return push(Arrays.copyOf(number, length));
    }

    /** Reads the BIP34 height at the start of a coinbase scriptSig, if it is written the way Core writes it. */
    static OptionalLong readHeight(byte[] scriptSig) {
        if (scriptSig.length == 0) {
            return OptionalLong.empty();
        }
        int op = scriptSig[0] & 0xff;
        long height;
        if (op == OP_0) {
            height = 0;
        } else if (op >= OP_1 && op <= OP_16) {
            height = op - (OP_1 - 1);
        } else if (op >= 1 && op <= 8 && scriptSig.length >= 1 + op) {
            if ((scriptSig[op] & 0x80) != 0) {
                return OptionalLong.empty(); // negative
            }
            height = 0;
            for (int i = op; i >= 1; i--) {
                height = height << 8 | (scriptSig[i] & 0xff);
            }
        } else {
            return OptionalLong.empty();
        }
        byte[] expected = heightPush(height);
        boolean canonical = scriptSig.length >= expected.length
                && Arrays.equals(scriptSig, 0, expected.length, expected, 0, expected.length);
        return canonical ? OptionalLong.of(height) : OptionalLong.empty();
    }

    /** The shortest push of {@code data}: a direct push up to 75 bytes, OP_PUSHDATA1 up to 255. */
    static byte[] push(byte[] data) {
        byte[] prefix = pushPrefix(data.length);
        byte[] out = Arrays.copyOf(prefix, prefix.length + data.length);
        System.arraycopy(data, 0, out, prefix.length, data.length);
        return out;
    }

    /** The opcode bytes that push {@code length} bytes of data that follow them. */
    static byte[] pushPrefix(int length) {
        if (length < 0 || length > 0xff) {
            throw new IllegalArgumentException("a coinbase push holds 0..255 bytes: " + length);
        }
        if (length <= MAX_DIRECT_PUSH) {
            return new byte[] {(byte) length};
        }
        return new byte[] {OP_PUSHDATA1, (byte) length};
    }
}
