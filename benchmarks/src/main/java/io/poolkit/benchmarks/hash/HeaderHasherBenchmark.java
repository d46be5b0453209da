package io.poolkit.benchmarks.hash;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.poolkit.benchmarks.PoolKitBenchmark;
import io.poolkit.core.hash.HeaderHasher;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * SHA-256d of an 80-byte block header (and of a 64-byte merkle node) with {@link HeaderHasher} against the
 * ways a Java programmer would otherwise write it: {@code MessageDigest}, Bouncy Castle, Guava.
 *
 * <p>The header benchmarks hash the real header of mainnet block 125552 with a nonce that changes on each
 * call, as a share validator or miner sees it; the merkle benchmarks fold a running hash with a sibling in
 * place, one branch level per call, each call depending on the last. Run with {@code -prof gc}:
 * {@code gc.alloc.rate.norm} is bytes per hash. One benchmark state per thread, as each thread owns its
 * hasher; {@link HeaderHasher#engineName()} is logged once per fork.
 */
@State(Scope.Thread)
public class HeaderHasherBenchmark extends PoolKitBenchmark {
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final int NONCE_OFFSET = 76;
    private static final int TIME_OFFSET = 68;

    /** Mainnet block 125552's header, serialized. */
    private static final String HEADER_125552_HEX = "01000000"
            + "81cd02ab7e569e8bcd9317e2fe99f2de44d49ab2b8851ba4a308000000000000"
            + "e320b6c2fffc8d750423db8b1eb942ae710e951ed797f7affc8892b0f1fc122b"
            + "c7f5d74d" + "f2b9441a" + "42a14695";
    private static final String HASH_125552_DISPLAY =
            "00000000000000001e8d6829a8a21adc5d38d0a473b144b6765798e61f98bd1d";

    private final HeaderHasher hasher = new HeaderHasher();
    private final SHA256Digest bouncyCastle = new SHA256Digest();
    private final HashFunction guava = Hashing.sha256();
    private MessageDigest messageDigest;

    private byte[] header;
    private final byte[] first = new byte[32];
    private final byte[] out = new byte[32];
    /** The running merkle hash, folded with {@link #branchHash} in place, as a validator walks a branch. */
    private final byte[] node = new byte[32];
    private byte[] branchHash;
    private int nonce;
    private int nTime;

    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        header = HexFormat.of().parseHex(HEADER_125552_HEX);
        hasher.hashHeader(header, 0, out, 0);
        byte[] display = out.clone();
        for (int i = 0; i < 16; i++) {
            byte t = display[i];
            display[i] = display[31 - i];
            display[31 - i] = t;
        }
        if (!HexFormat.of().formatHex(display).equals(HASH_125552_DISPLAY)) {
            throw new IllegalStateException("HeaderHasher (" + HeaderHasher.engineName()
                    + ") does not reproduce block 125552's hash");
        }
        messageDigest = MessageDigest.getInstance("SHA-256");
        nonce = (int) INT_LE.get(header, NONCE_OFFSET);
        nTime = (int) INT_LE.get(header, TIME_OFFSET);
        hasher.setMidstate(header, 0);
        System.arraycopy(header, 4, node, 0, 32);
        branchHash = Arrays.copyOfRange(header, 36, 68);
    }

    @Benchmark
    public byte[] headerHasherHeader() {
        INT_LE.set(header, NONCE_OFFSET, nonce++);
        hasher.hashHeader(header, 0, out, 0);
        return out;
    }

    @Benchmark
    public byte[] headerHasherMidstate() {
        hasher.hashWithMidstate(nTime, nonce++, out, 0);
        return out;
    }

    /** One step of a merkle branch fold, written over its left input: latency-bound, as in share validation. */
    @Benchmark
    public byte[] headerHasherMerkleNode() {
        hasher.hashMerkleNode(node, 0, branchHash, 0, node, 0);
        return node;
    }

    @Benchmark
    public byte[] messageDigestTwice() throws DigestException {
        INT_LE.set(header, NONCE_OFFSET, nonce++);
        messageDigest.update(header, 0, 80);
        messageDigest.digest(first, 0, 32);
        messageDigest.update(first, 0, 32);
        messageDigest.digest(out, 0, 32);
        return out;
    }

    /** The merkle fold of {@link #headerHasherMerkleNode} through {@code MessageDigest}, for comparison. */
    @Benchmark
    public byte[] messageDigestMerkleNode() throws DigestException {
        messageDigest.update(node, 0, 32);
        messageDigest.update(branchHash, 0, 32);
        messageDigest.digest(first, 0, 32);
        messageDigest.update(first, 0, 32);
        messageDigest.digest(node, 0, 32);
        return node;
    }

    @Benchmark
    public byte[] bouncyCastleTwice() {
        INT_LE.set(header, NONCE_OFFSET, nonce++);
        bouncyCastle.update(header, 0, 80);
        bouncyCastle.doFinal(first, 0);
        bouncyCastle.update(first, 0, 32);
        bouncyCastle.doFinal(out, 0);
        return out;
    }

    @Benchmark
    public byte[] guavaTwice() {
        INT_LE.set(header, NONCE_OFFSET, nonce++);
        return guava.hashBytes(guava.hashBytes(header).asBytes()).asBytes();
    }
}
