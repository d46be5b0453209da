package io.poolkit.stratum.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.testing.UsesSharedVectors;
import io.poolkit.stratum.testing.LeakTracking;
import io.poolkit.stratum.testing.Transcript;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real cpuminer 2.5.1 ↔ ckpool session, line by line, through our decoder and writer. */
@ExtendWith(LeakTracking.class)
@UsesSharedVectors
class TranscriptTest {
    private static final String WORKER = "bcrt1qsw9dlwykky7nee5rj58py9shlrnzc6y626tfh0.rig1";

    private final Transcript transcript = Transcript.load(Transcript.CPUMINER_CKPOOL);

    @Test
    void decodesEveryMinerLineAsARequest() {
        List<StratumRequest> requests = new ArrayList<>();
        for (String line : transcript.minerLines()) {
            requests.add(assertInstanceOf(StratumRequest.class, Feed.messages().one(line + "\n")));
        }
        assertEquals(List.of(
                StratumRequest.of(StratumId.of(1), StratumMethods.SUBSCRIBE, StratumValue.of("cpuminer/2.5.1")),
                StratumRequest.of(StratumId.of(2), StratumMethods.AUTHORIZE, StratumValue.of(WORKER), StratumValue.of("x"))),
                requests);
    }

    @Test
    void decodesEveryPoolLineOnTheClientSide() {
        List<String> pool = transcript.poolLines();
        assertEquals(4, pool.size());

        StratumResponse subscribed = assertInstanceOf(StratumResponse.class, Feed.messages().one(pool.get(0) + "\n"));
        assertEquals(StratumId.of(1), subscribed.id());
        assertTrue(!subscribed.isError());
        List<StratumValue> result = subscribed.result().asArray();
        assertEquals(StratumValue.array(StratumValue.array(StratumValue.of("mining.notify"), StratumValue.of("6b0715a2"))),
                result.get(0));
        assertEquals("a215076b", result.get(1).asString());
        assertEquals(8L, result.get(2).asLong());

        StratumRequest difficulty = assertInstanceOf(StratumRequest.class, Feed.messages().one(pool.get(1) + "\n"));
        assertEquals(StratumMethods.SET_DIFFICULTY, difficulty.method());
        assertTrue(difficulty.isNotification());
        assertEquals(1_000_000.0, difficulty.param(0).asDouble());

        StratumRequest notifyLine = assertInstanceOf(StratumRequest.class, Feed.messages().one(pool.get(2) + "\n"));
        assertEquals(StratumMethods.NOTIFY, notifyLine.method());
        MiningNotify notify = MiningNotify.fromParams(notifyLine.params());
        assertEquals("6b0715a100000001", notify.jobId());
        assertEquals("b0a8506697bf4bf3ff16f853543cc05a2087850e83fcfee8a6a970e62b490d97", notify.prevHashStratumHex());
        // Stratum word order: each 4-byte word of the internal-order hash reversed, so the display hex
        // is the eight words in reverse order. (Reversing all 32 bytes instead would give 970d492b...,
        // above regtest's proof-of-work limit 7fffff...: this reading is the one a real chain accepts.)
        assertEquals(Hash256.fromDisplayHex("2b490d97a6a970e683fcfee82087850e543cc05aff16f85397bf4bf3b0a85066"),
                notify.prevHash());
        assertTrue(notify.coinbase1Hex().startsWith("01000000010000000000"));
        assertTrue(notify.coinbase1Hex().endsWith("0405fba7380c"));
        assertTrue(notify.coinbase2Hex().startsWith("0a636b706f6f6c"));
        assertEquals(List.of("3982f203408ac719960c495554b343c20841149266dca1563fc60f52424215e8",
                "62d90f56be91e79a350e98be811ab82f45181bac9c77d1038d8f306aeb480136",
                "ce2a3d9b7871f1df9ea5175733b4cc779116524130093dd705463f7e61ab01ff"),
                notify.merkleBranch().stream().map(Hash256::internalHex).toList());
        assertEquals(0x20000000, notify.version());
        assertEquals(0x207fffff, notify.nbits());
        assertEquals(0x6b0715a1, notify.ntime());
        assertTrue(notify.cleanJobs());

        StratumResponse authorized = assertInstanceOf(StratumResponse.class, Feed.messages().one(pool.get(3) + "\n"));
        assertEquals(StratumId.of(2), authorized.id());
        assertEquals(StratumValue.TRUE, authorized.result());
    }

    @Test
    void writesWhatCkpoolSentAsTheSameMessages() {
        List<String> pool = transcript.poolLines();
        StratumRequest ckpoolNotify = (StratumRequest) Feed.messages().one(pool.get(2) + "\n");
        MiningNotify notify = MiningNotify.fromParams(ckpoolNotify.params());

        ByteBuf ours = StratumWriter.encodeNotify(ByteBufAllocator.DEFAULT, notify);
        try {
            String line = ours.toString(StandardCharsets.UTF_8);
            assertTrue(line.endsWith("\n"));
            assertEquals(ckpoolNotify, Feed.messages().one(line), "same id, method and params as ckpool's line");
        } finally {
            ours.release();
        }

        StratumRequest ckpoolDifficulty = (StratumRequest) Feed.messages().one(pool.get(1) + "\n");
        String difficulty = StratumDecoderTest.write(out -> StratumWriter.writeSetDifficulty(out, 1_000_000));
        assertEquals(ckpoolDifficulty, Feed.messages().one(difficulty));

        String authorized = StratumDecoderTest.write(out -> StratumWriter.writeTrue(out, StratumId.of(2)));
        assertEquals(Feed.messages().one(pool.get(3) + "\n"), Feed.messages().one(authorized));

        String subscribed = StratumDecoderTest.write(out -> StratumWriter.writeSubscribeResult(out, StratumId.of(1),
                "6b0715a2", new byte[] {(byte) 0xa2, 0x15, 0x07, 0x6b}, 8));
        StratumResponse ours1 = (StratumResponse) Feed.messages().one(subscribed);
        StratumResponse theirs = (StratumResponse) Feed.messages().one(pool.get(0) + "\n");
        // ckpool lists only the notify subscription; ours lists set_difficulty too. The rest is identical.
        assertEquals(theirs.result().asArray().subList(1, 3), ours1.result().asArray().subList(1, 3));
        assertEquals(theirs.result().asArray().get(0).asArray().get(0),
                ours1.result().asArray().get(0).asArray().get(1));
    }
}
