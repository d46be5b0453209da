package io.poolkit.stratum.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Hash256;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MiningNotifyTest {
    @Test
    void sendsThePrevHashInStratumWordOrder() {
        Hash256 prev = Hash256.fromDisplayHex("00000000000000000007878ec04bb2b2e12317804810f4c26033585b3f81ffaa");
        MiningNotify notify = StratumWriterTest.sampleNotify(0);
        assertEquals(prev, notify.prevHash());
        assertEquals("3f81ffaa6033585b4810f4c2e1231780c04bb2b20007878e0000000000000000", notify.prevHashStratumHex());
    }

    @Test
    void copiesByteArraysInAndOut() {
        byte[] coinbase1 = {1, 2, 3};
        MiningNotify notify = builder().coinbase1(coinbase1).build();
        coinbase1[0] = 9;
        assertEquals("010203", notify.coinbase1Hex());
        notify.coinbase1()[1] = 9;
        assertEquals("010203", notify.coinbase1Hex());
    }

    @Test
    void namesTheFirstBadParameter() {
        List<StratumValue> good = paramsOf(builder().build());
        assertEquals(builder().build(), MiningNotify.fromParams(good));

        assertMessage(good.subList(0, 8), "needs 9 params; got 8");
        assertMessage(with(good, 0, StratumValue.of(5)), "param 0 (job id) must be a string");
        assertMessage(with(good, 1, StratumValue.of("abcd")), "prevhash must be 64 hex digits");
        assertMessage(with(good, 2, StratumValue.of("0g")), "not hex");
        assertMessage(with(good, 4, StratumValue.of("x")), "param 4 (merkle branch) must be an array");
        assertMessage(with(good, 4, StratumValue.array(StratumValue.of("00"))), "merkle branch hash must be 64 hex digits");
        assertMessage(with(good, 5, StratumValue.of("2000000")), "version must be 8 hex digits");
        assertMessage(with(good, 6, StratumValue.of("+07fffff")), "nbits must be 8 hex digits");
        assertMessage(with(good, 7, StratumValue.of(1)), "param 7 (ntime) must be a string");
        assertMessage(with(good, 8, StratumValue.of("true")), "param 8 (clean jobs) must be a boolean");
    }

    @Test
    void ignoresExtraTrailingParameters() {
        List<StratumValue> params = new ArrayList<>(paramsOf(builder().build()));
        params.add(StratumValue.of("extra"));
        assertEquals(builder().build(), MiningNotify.fromParams(params));
    }

    @Test
    void refusesToBuildWithoutEveryField() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MiningNotify.builder().jobId("j").build());
        assertTrue(e.getMessage().contains("prevHash"), e.getMessage());
    }

    private static MiningNotify.Builder builder() {
        return MiningNotify.builder().jobId("j").prevHash(Hash256.ZERO).coinbase1Hex("01").coinbase2Hex("02")
                .merkleBranch(List.of()).version(1).nbits(0x207fffff).ntime(0x5f000000).cleanJobs(true);
    }

    private static List<StratumValue> paramsOf(MiningNotify notify) {
        String line = StratumDecoderTest.write(out -> StratumWriter.writeNotify(out, notify));
        return ((StratumRequest) Feed.messages().one(line)).params();
    }

    private static List<StratumValue> with(List<StratumValue> params, int index, StratumValue value) {
        List<StratumValue> copy = new ArrayList<>(params);
        copy.set(index, value);
        return copy;
    }

    private static void assertMessage(List<StratumValue> params, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MiningNotify.fromParams(params));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
