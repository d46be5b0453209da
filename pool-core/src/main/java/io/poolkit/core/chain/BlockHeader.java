package io.poolkit.core.chain;

import io.poolkit.core.hash.Sha256d;
import java.util.Arrays;
import java.util.Objects;

/**
 * The 80-byte block header: version, previous block hash, merkle root, time, nBits and nonce.
 * Immutable and thread-safe.
 *
 * <p>Serialized little-endian field by field; the two hashes are held as {@link Hash256} and written in
 * internal byte order. {@code time} is the unsigned 32-bit Unix time held in a {@code long}
 * (0..0xffffffff); {@code bits} and {@code nonce} are the raw 32-bit fields in an {@code int} (use
 * {@link Integer#toUnsignedLong(int)} for the unsigned value).
 *
 * <pre>{@code
 * BlockHeader header = BlockHeader.fromHex(headerHex);
 * Hash256 blockHash = header.hash();             // blockHash.displayHex() is what explorers show
 * BlockHeader next = header.withNonce(header.nonce() + 1);
 * }</pre>
 */
public final class BlockHeader {
    /** The serialized size of a header in bytes. */
    public static final int SIZE = 80;

    private final int version;
    private final Hash256 prevHash;
    private final Hash256 merkleRoot;
    private final long time;
    private final int bits;
    private final int nonce;

    private BlockHeader(int version, Hash256 prevHash, Hash256 merkleRoot, long time, int bits, int nonce) {
        this.version = version;
        this.prevHash = prevHash;
        this.merkleRoot = merkleRoot;
        this.time = time;
        this.bits = bits;
        this.nonce = nonce;
    }

    /**
     * A header from its fields. {@code timeSeconds} must fit in 32 unsigned bits; the hashes are values,
     * so byte order only matters when they were made (see {@link Hash256}).
     */
    public static BlockHeader of(int version, Hash256 prevHash, Hash256 merkleRoot, long timeSeconds, int bits,
                                 int nonce) {
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(merkleRoot, "merkleRoot");
        checkTime(timeSeconds);
        return new BlockHeader(version, prevHash, merkleRoot, timeSeconds, bits, nonce);
    }

    /** Parses exactly 80 bytes. */
    public static BlockHeader parse(byte[] serialized) {
        if (serialized.length != SIZE) {
            throw new IllegalArgumentException("a block header is 80 bytes; got " + serialized.length);
        }
        return parse(serialized, 0);
    }

    /** Parses the 80 bytes at {@code offset} of {@code source}. */
    public static BlockHeader parse(byte[] source, int offset) {
        if (offset < 0 || offset > source.length || source.length - offset < SIZE) {
            throw new IllegalArgumentException("truncated block header: need 80 bytes at offset " + offset
                    + " of " + source.length);
        }
        return read(new ByteReader(Arrays.copyOfRange(source, offset, offset + SIZE), "block header"));
    }

    /** Parses the 160 hex digits of a serialized header. */
    public static BlockHeader fromHex(String hex) {
        return parse(Hex.decode(hex));
    }

    static BlockHeader read(ByteReader reader) {
        int version = reader.int32("header version");
        Hash256 prev = reader.hash("header previous block hash");
        Hash256 merkle = reader.hash("header merkle root");
        long time = reader.uint32("header time");
        int bits = reader.int32("header bits");
        int nonce = reader.int32("header nonce");
        return new BlockHeader(version, prev, merkle, time, bits, nonce);
    }

    /** nVersion, signed 32-bit as serialized (BIP9 version bits live in it). */
    public int version() {
        return version;
    }

    /** The hash of the block this one builds on. */
    public Hash256 prevHash() {
        return prevHash;
    }

    /** The merkle root of the block's txids. */
    public Hash256 merkleRoot() {
        return merkleRoot;
    }

    /** Unix time in seconds, unsigned 32-bit (0..0xffffffff). */
    public long time() {
        return time;
    }

    /** The compact target ({@code nBits}) as its raw 32 bits, e.g. {@code 0x1d00ffff}. */
    public int bits() {
        return bits;
    }

    /** The nonce as its raw 32 bits. */
    public int nonce() {
        return nonce;
    }

    public BlockHeader withNonce(int newNonce) {
        return new BlockHeader(version, prevHash, merkleRoot, time, bits, newNonce);
    }

    public BlockHeader withTime(long newTimeSeconds) {
        checkTime(newTimeSeconds);
        return new BlockHeader(version, prevHash, merkleRoot, newTimeSeconds, bits, nonce);
    }

    public BlockHeader withVersion(int newVersion) {
        return new BlockHeader(newVersion, prevHash, merkleRoot, time, bits, nonce);
    }

    /** The 80 serialized bytes (a new array). */
    public byte[] serialize() {
        byte[] out = new byte[SIZE];
        writeTo(out, 0);
        return out;
    }

    /** Writes the 80 serialized bytes into {@code destination} at {@code offset}; returns the offset after. */
    public int writeTo(byte[] destination, int offset) {
        if (offset < 0 || destination.length - offset < SIZE) {
            throw new IllegalArgumentException("a header needs 80 bytes at offset " + offset + " of "
                    + destination.length);
        }
        int at = Bytes.putInt32(destination, offset, version);
        prevHash.copyInternalBytes(destination, at);
        merkleRoot.copyInternalBytes(destination, at + 32);
        at = Bytes.putInt32(destination, at + 64, (int) time);
        at = Bytes.putInt32(destination, at, bits);
        return Bytes.putInt32(destination, at, nonce);
    }

    public String toHex() {
        return Hex.encode(serialize());
    }

    /** The block hash: SHA-256d of the 80 bytes. Allocates; the share path uses {@code HeaderHasher}. */
    public Hash256 hash() {
        return Hash256.fromInternalBytes(Sha256d.hash(serialize()));
    }

    private static void checkTime(long timeSeconds) {
        if (timeSeconds < 0 || timeSeconds > 0xffff_ffffL) {
            throw new IllegalArgumentException("header time must fit in 32 unsigned bits: " + timeSeconds);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockHeader other && version == other.version && time == other.time
                && bits == other.bits && nonce == other.nonce && prevHash.equals(other.prevHash)
                && merkleRoot.equals(other.merkleRoot);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, prevHash, merkleRoot, time, bits, nonce);
    }

    @Override
    public String toString() {
        return String.format("BlockHeader[version=0x%08x, prev=%s, merkleRoot=%s, time=%d, bits=%08x, nonce=%08x]",
                version, prevHash, merkleRoot, time, bits, nonce);
    }
}
