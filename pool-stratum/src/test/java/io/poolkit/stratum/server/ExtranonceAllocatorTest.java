package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExtranonceAllocatorTest {

    @Test
    void liveValuesAreUnique() {
        ExtranonceAllocator allocator = ExtranonceAllocator.create();
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            long value = allocator.allocate();
            assertTrue(value >= 0 && value < 1L << 32, Long.toHexString(value));
            assertTrue(seen.add(value), "handed out twice: " + Long.toHexString(value));
        }
        assertEquals(10_000, allocator.liveCount());
    }

    @Test
    void theInstancePrefixFillsTheTopBits() {
        ExtranonceAllocator first = ExtranonceAllocator.builder().size(4).instancePrefix(0x01, 8).firstIndex(5).build();
        ExtranonceAllocator second = ExtranonceAllocator.builder().size(4).instancePrefix(0x02, 8).firstIndex(5).build();
        assertEquals(0x01000005L, first.allocate());
        assertEquals(0x02000005L, second.allocate());
        assertEquals("01000006", first.hex(first.allocate()));
        ExtranonceAllocator wide = ExtranonceAllocator.builder().size(8).instancePrefix(0xabcdL, 16).firstIndex(1).build();
        assertEquals("abcd000000000001", wide.hex(wide.allocate()));
    }

    @Test
    void aReleasedValueComesBackOnlyAfterTheCursorWentRound() {
        ExtranonceAllocator allocator = ExtranonceAllocator.builder().size(2).instancePrefix(0xab, 8).firstIndex(0).build();
        assertEquals(255, allocator.capacity(), "8 bits of index, the all-ones one unused");
        long first = allocator.allocate();
        allocator.release(first);
        for (int i = 1; i < 255; i++) {
            assertNotEquals(first, allocator.allocate(), "reused too early at allocation " + i);
        }
        assertEquals(first, allocator.allocate(), "the only free value, after a full round");
        assertEquals(-1, allocator.allocate(), "exhausted");
        allocator.release(0xab07);
        assertEquals(0xab07, allocator.allocate());
    }

    @Test
    void theIndexSpaceIsBoundedWhateverTheSize() {
        ExtranonceAllocator allocator = ExtranonceAllocator.builder().size(8).build();
        assertEquals((1 << ExtranonceAllocator.MAX_INDEX_BITS) - 1, allocator.capacity());
    }

    @Test
    void releasingAValueThatIsNotLiveIsABug() {
        ExtranonceAllocator allocator = ExtranonceAllocator.builder().instancePrefix(1, 8).build();
        long value = allocator.allocate();
        allocator.release(value);
        assertThrows(IllegalArgumentException.class, () -> allocator.release(value));
        assertThrows(IllegalArgumentException.class, () -> allocator.release(value ^ 0x02000000L));
    }

    @Test
    void writesBigEndianBytes() {
        ExtranonceAllocator allocator = ExtranonceAllocator.builder().size(4).build();
        byte[] out = new byte[6];
        allocator.write(0x0a0b0c0dL, out, 1);
        assertArrayEquals(new byte[] {0, 0x0a, 0x0b, 0x0c, 0x0d, 0}, out);
        assertEquals("0a0b0c0d", allocator.hex(0x0a0b0c0dL));
    }

    @Test
    void theBuilderNamesTheBadValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExtranonceAllocator.builder().size(1).build())
                .getMessage().contains("got 1"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ExtranonceAllocator.builder().size(4).instancePrefix(1, 25).build()).getMessage().contains("25"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ExtranonceAllocator.builder().instancePrefix(256, 8).build()).getMessage().contains("256"));
        assertThrows(IllegalArgumentException.class, () -> ExtranonceAllocator.builder().firstIndex(-1));
    }
}
