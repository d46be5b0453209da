package io.poolkit.core.hash;

import static io.poolkit.core.hash.HeaderHasherTest.hasherOn;
import static io.poolkit.core.hash.HeaderHasherTest.sha256d;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every engine against {@code MessageDigest} applied twice, on random headers and merkle nodes. */
class HeaderHasherAgreementTest {
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.LITTLE_ENDIAN);

    @Property(tries = 200)
    void everyEngineAgreesWithMessageDigestOnHeaders(@ForAll @Size(80) byte[] header,
            @ForAll @IntRange(max = 40) int offset) {
        byte[] buffer = new byte[offset + 80 + 7];
        System.arraycopy(header, 0, buffer, offset, 80);
        byte[] expected = sha256d(header);
        for (HasherEngine engine : HasherEngine.values()) {
            byte[] out = new byte[offset + 32];
            hasherOn(engine).hashHeader(buffer, offset, out, offset);
            assertArrayEquals(expected, Arrays.copyOfRange(out, offset, offset + 32), engine.id());
        }
    }

    @Property(tries = 200)
    void everyEngineAgreesWithMessageDigestOnMerkleNodes(@ForAll @Size(32) byte[] left,
            @ForAll @Size(32) byte[] right, @ForAll boolean inPlace) {
        byte[] pair = new byte[64];
        System.arraycopy(left, 0, pair, 0, 32);
        System.arraycopy(right, 0, pair, 32, 32);
        byte[] expected = sha256d(pair);
        for (HasherEngine engine : HasherEngine.values()) {
            byte[] l = left.clone();
            byte[] out = inPlace ? l : new byte[32];
            hasherOn(engine).hashMerkleNode(l, 0, right, 0, out, 0);
            assertArrayEquals(expected, out, engine.id() + (inPlace ? ", written over left" : ""));
        }
    }

    @Property(tries = 200)
    void midstatePathEqualsTheFullPath(@ForAll @Size(80) byte[] header, @ForAll int nTime, @ForAll int nonce) {
        byte[] changed = header.clone();
        INT_LE.set(changed, 68, nTime);
        INT_LE.set(changed, 76, nonce);
        byte[] expected = sha256d(changed);
        for (HasherEngine engine : HasherEngine.values()) {
            HeaderHasher hasher = hasherOn(engine);
            byte[] full = new byte[32];
            byte[] viaMidstate = new byte[32];
            hasher.hashHeader(changed, 0, full, 0);
            hasher.setMidstate(header, 0);
            hasher.hashWithMidstate(nTime, nonce, viaMidstate, 0);
            assertArrayEquals(expected, full, engine.id());
            assertArrayEquals(expected, viaMidstate, engine.id() + " via midstate");
        }
    }

    @Property(tries = 300)
    void meetsTargetAgreesWithBigInteger(@ForAll @Size(32) byte[] hash, @ForAll @Size(32) byte[] target,
            @ForAll @IntRange(max = 31) int sharedTopBytes) {
        // Random pairs almost always differ in the top byte; sharing some top bytes exercises the rest.
        System.arraycopy(hash, 32 - sharedTopBytes, target, 32 - sharedTopBytes, sharedTopBytes);
        BigInteger h = new BigInteger(1, HeaderHasherTest.reversed(hash));
        BigInteger t = new BigInteger(1, HeaderHasherTest.reversed(target));

        assertEquals(h.compareTo(t) <= 0, HeaderHasher.meetsTarget(hash, 0, target, 0));
    }

    /**
     * The engines' hot paths change shape when the JIT compiles them (the JDK's compression becomes the
     * CPU's SHA instructions only in C2-compiled code), so agreement is checked again after enough calls
     * for that: a bounded loop, well under a second per engine.
     */
    @ParameterizedTest
    @EnumSource(HasherEngine.class)
    void staysCorrectOnceTheJitCompilesTheHotPaths(HasherEngine engine) throws Exception {
        HeaderHasher hasher = hasherOn(engine);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(42);
        byte[] header = new byte[80];
        random.nextBytes(header);
        hasher.setMidstate(header, 0);
        int nTime = (int) INT_LE.get(header, 68);
        byte[] node = new byte[32];
        byte[] sibling = new byte[32];
        random.nextBytes(node);
        random.nextBytes(sibling);
        byte[] out = new byte[32];
        byte[] viaMidstate = new byte[32];
        byte[] first = new byte[32];
        byte[] expected = new byte[32];
        byte[] expectedNode = node.clone();

        for (int nonce = 0; nonce < 60_000; nonce++) {
            INT_LE.set(header, 76, nonce);
            hasher.hashHeader(header, 0, out, 0);
            hasher.hashWithMidstate(nTime, nonce, viaMidstate, 0);
            hasher.hashMerkleNode(node, 0, sibling, 0, node, 0);

            digest.update(header, 0, 80);
            digest.digest(first, 0, 32);
            digest.update(first, 0, 32);
            digest.digest(expected, 0, 32);
            digest.update(expectedNode, 0, 32);
            digest.update(sibling, 0, 32);
            digest.digest(first, 0, 32);
            digest.update(first, 0, 32);
            digest.digest(expectedNode, 0, 32);
            if (!Arrays.equals(expected, out) || !Arrays.equals(expected, viaMidstate)
                    || !Arrays.equals(expectedNode, node)) {
                assertArrayEquals(expected, out, engine.id() + " header at nonce " + nonce);
                assertArrayEquals(expected, viaMidstate, engine.id() + " midstate at nonce " + nonce);
                assertArrayEquals(expectedNode, node, engine.id() + " merkle node at step " + nonce);
            }
        }
    }
}
