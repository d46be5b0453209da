package io.poolkit.core.hash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class Sha256Test {
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.BIG_ENDIAN);

    @Test
    void hashesTheFipsOneBlockExample() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                HexFormat.of().formatHex(sha256("abc".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void hashesTheFipsTwoBlockExample() {
        byte[] message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".getBytes(StandardCharsets.US_ASCII);

        assertEquals("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                HexFormat.of().formatHex(sha256(message)));
    }

    @Property(tries = 300)
    void agreesWithMessageDigest(@ForAll @Size(max = 300) byte[] message) throws Exception {
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(message), sha256(message));
    }

    @Test
    void expandedScheduleGivesTheSameRoundsAsCompressingTheBlock() {
        byte[] block = new byte[64];
        for (int i = 0; i < 64; i++) {
            block[i] = (byte) (i * 37 + 11);
        }
        int[] viaBlock = Sha256.IV.clone();
        Sha256.compress(viaBlock, block, 0, new int[64]);

        int[] schedule = new int[64];
        for (int t = 0; t < 16; t++) {
            schedule[t] = (int) Sha256dEngine.INT_BE.get(block, 4 * t);
        }
        Sha256.expand(schedule);
        int[] viaSchedule = Sha256.IV.clone();
        Sha256.rounds(viaSchedule, schedule);

        assertArrayEquals(viaBlock, viaSchedule);
    }

    /** SHA-256 built from the compression function with FIPS 180-4 padding. */
    private static byte[] sha256(byte[] message) {
        int blocks = (message.length + 8) / 64 + 1;
        byte[] padded = new byte[blocks * 64];
        System.arraycopy(message, 0, padded, 0, message.length);
        padded[message.length] = (byte) 0x80;
        LONG_BE.set(padded, padded.length - 8, 8L * message.length);
        int[] state = Sha256.IV.clone();
        int[] w = new int[64];
        for (int offset = 0; offset < padded.length; offset += 64) {
            Sha256.compress(state, padded, offset, w);
        }
        byte[] digest = new byte[32];
        Sha256dEngine.writeDigest(state, digest, 0);
        return digest;
    }
}
