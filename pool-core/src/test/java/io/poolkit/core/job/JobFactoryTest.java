package io.poolkit.core.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Address;
import io.poolkit.core.chain.AddressException;
import io.poolkit.core.chain.Block;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Hex;
import io.poolkit.core.chain.MerkleBranch;
import io.poolkit.core.chain.Network;
import io.poolkit.core.chain.Transaction;
import io.poolkit.core.chain.TxOutput;
import io.poolkit.core.hash.Sha256d;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

@UsesSharedVectors
class JobFactoryTest {
    private static final String TEMPLATE_JSON = "bitcoind-regtest/getblocktemplate-with-transactions.json";
    private static final byte[] E1 = Hex.decode("0badcafe");
    private static final byte[] E2 = Hex.decode("00000000000000a7");

    // Real regtest addresses from the vectors' validateaddress answers.
    private static final Address BECH32 = address("bcrt1q44shv9q0a7lrry62ydmxdmc7ktzue4zwrwrqxh");
    private static final Address TAPROOT = address("bcrt1p59e6crpusd5dmnwaht950x25zpncyu67qefmkekz0xwzv3mx7flsurgqu2");
    private static final Address LEGACY = address("mnRm6XHsyHepHJhrV3S4JyVp4nUCzEV7uv");

    private static Address address(String text) {
        try {
            return Address.parse(text, Network.REGTEST);
        } catch (AddressException e) {
            throw new AssertionError(e);
        }
    }

    private static BlockTemplate template() {
        return BlockTemplate.parse(SharedVectors.text(TEMPLATE_JSON));
    }

    @Test
    void coinb1ExtranoncesAndCoinb2AreTheCoinbaseTransaction() {
        BlockTemplate template = template();
        Job job = JobFactory.builder().payTo(BECH32).poolTag("/PoolKit/").extranonce2Size(8).build()
                .create(template, true);

        byte[] serialized = Hex.decode(job.coinb1Hex() + Hex.encode(E1) + Hex.encode(E2) + job.coinb2Hex());
        Transaction coinbase = Transaction.parse(serialized);

        assertTrue(coinbase.isCoinbase());
        assertFalse(coinbase.hasWitness(), "Stratum's coinbase is the legacy serialization the txid hashes");
        assertEquals(205, coinbase.bip34Height().orElseThrow());
        String scriptSig = Hex.encode(coinbase.inputs().get(0).scriptSig());
        assertTrue(scriptSig.contains(Hex.encode(E1) + Hex.encode(E2)), scriptSig);
        assertTrue(scriptSig.endsWith(Hex.encode("/PoolKit/".getBytes(StandardCharsets.US_ASCII))), scriptSig);
        List<TxOutput> outputs = coinbase.outputs();
        assertEquals(2, outputs.size());
        assertArrayEquals(BECH32.outputScript(), outputs.get(0).script());
        assertEquals(template.coinbaseValueSats(), outputs.get(0).valueSats());
        assertArrayEquals(template.witnessCommitmentScript().orElseThrow(), outputs.get(1).script());
        assertEquals(0, outputs.get(1).valueSats());

        // The same bytes from the job's allocation-free copies.
        byte[] copied = new byte[job.coinb1Length() + 12 + job.coinb2Length()];
        job.copyCoinb1(copied, 0);
        System.arraycopy(E1, 0, copied, job.coinb1Length(), 4);
        System.arraycopy(E2, 0, copied, job.coinb1Length() + 4, 8);
        job.copyCoinb2(copied, job.coinb1Length() + 12);
        assertArrayEquals(serialized, copied);
        assertEquals(4, job.extranonce1Size());
        assertEquals(8, job.extranonce2Size());

        // The merkle branch folds this coinbase's txid to the root of the block with the template's txids.
        List<Hash256> txids = new ArrayList<>();
        txids.add(Hash256.fromInternalBytes(Sha256d.hash(serialized)));
        txids.addAll(template.txids());
        assertEquals(MerkleBranch.root(txids), job.merkleBranch().rootFrom(txids.get(0)));
        assertEquals(job.merkleBranch().stepsHex(), job.merkleBranchHex());
        for (int i = 0; i < job.merkleBranchSize(); i++) {
            byte[] step = new byte[32];
            job.copyMerkleStep(i, step, 0);
            assertEquals(job.merkleBranchHex().get(i), Hex.encode(step));
        }
    }

    @Test
    void reproducesTheCoinbaseOfTheBlockBitcoinCoreAccepted() throws AddressException {
        String vector = SharedVectors.text("bitcoind-regtest/assembled-block.json");
        Address payout = Address.fromOutputScript(Hex.decode(field(vector, "payout_script_hex")), Network.REGTEST);
        Job job = JobFactory.builder().payTo(payout).poolTag(field(vector, "coinbase_tag")).build()
                .create(template(), true);
        Transaction accepted = Block.fromHex(field(vector, "block_hex")).coinbase();

        String legacy = job.coinb1Hex() + field(vector, "extranonce_hex") + job.coinb2Hex();
        assertEquals(Hex.encode(accepted.serializeWithoutWitness()), legacy);
        assertEquals(field(vector, "coinbase_txid"), accepted.txid().displayHex());
    }

    @Test
    void carriesTheTemplateFieldsInNotifyForm() {
        BlockTemplate template = template();
        Instant created = Instant.parse("2026-11-25T12:00:00Z");
        JobFactory factory = JobFactory.builder().payTo(BECH32).firstSequence(0x6b0715a0L)
                .clock(Clock.fixed(created, ZoneOffset.UTC)).build();
        Job first = factory.create(template, true);
        Job second = factory.create(template, false);

        assertEquals("6b0715a1", first.id());
        assertEquals("6b0715a2", second.id());
        assertEquals(first.sequence() + 1, second.sequence());
        assertTrue(first.cleanJobs());
        assertFalse(second.cleanJobs());
        assertEquals(created, first.createdAt());
        assertEquals("30000000", first.versionHex());
        assertEquals("207fffff", first.bitsHex());
        assertEquals(String.format("%08x", 1795625763L), first.nTimeHex());
        assertEquals(1795625763L, first.nTime());
        assertEquals(1795625763L, first.minTime());
        assertEquals(205, first.height());
        assertEquals(template.target(), first.networkTarget());
        assertEquals(2500022780L, first.coinbaseValueSats());
        assertEquals(7, template.transactions().size());
        assertEquals(3, first.merkleBranchSize(), "8 transactions: a tree 3 levels deep");
    }

    @Test
    void sendsThePreviousHashWithEachFourByteWordReversed() {
        Job job = JobFactory.builder().payTo(BECH32).build().create(template(), true);
        // previousblockhash 1924dbfbe5a5d7529e8e3ffe716cd6f4c2719f8f16ffbce8f778809d491036cf (display order)
        // internal order:   cf361049 9d8078f7 e8bcff16 8f9f71c2 f4d66c71 fe3f8e9e 52d7a5e5 fbdb2419
        // each word turned: 491036cf f778809d 16ffbce8 c2719f8f 716cd6f4 9e8e3ffe e5a5d752 1924dbfb
        assertEquals("1924dbfbe5a5d7529e8e3ffe716cd6f4c2719f8f16ffbce8f778809d491036cf",
                job.previousBlockHash().displayHex());
        assertEquals("491036cff778809d16ffbce8c2719f8f716cd6f49e8e3ffee5a5d7521924dbfb", job.prevHashStratumHex());
        byte[] internal = new byte[32];
        job.copyPrevHashInternal(internal, 0);
        assertEquals("cf3610499d8078f7e8bcff168f9f71c2f4d66c71fe3f8e9e52d7a5e5fbdb2419", Hex.encode(internal));
    }

    @Test
    void splitsThePayoutExactlyWithTheRemainderToTheFirstAddress() {
        Job job = JobFactory.builder().payTo(BECH32, 3333).payTo(TAPROOT, 3333).payTo(LEGACY, 3334).build()
                .create(template(), true);
        List<TxOutput> outputs = job.coinbase().outputs();
        long value = 2_500_022_780L;
        assertEquals(value * 3333 / 10_000, outputs.get(1).valueSats());
        assertEquals(value * 3334 / 10_000, outputs.get(2).valueSats());
        assertEquals(value - outputs.get(1).valueSats() - outputs.get(2).valueSats(), outputs.get(0).valueSats());
        assertEquals(833_257_594L, outputs.get(0).valueSats());
        assertEquals(value, outputs.get(0).valueSats() + outputs.get(1).valueSats() + outputs.get(2).valueSats());
        assertArrayEquals(TAPROOT.outputScript(), outputs.get(1).script());
        assertArrayEquals(LEGACY.outputScript(), outputs.get(2).script());
    }

    @Property(tries = 200)
    void payoutOutputsAlwaysSumToTheCoinbaseValue(@ForAll @LongRange(min = 0, max = 5_000_000_000L) long value,
            @ForAll @IntRange(min = 1, max = 9_998) int firstBps, @ForAll @IntRange(min = 1, max = 9_998) int secondBps) {
        int a = Math.min(firstBps, secondBps);
        int b = Math.max(firstBps, secondBps);
        if (a == b) {
            b++;
        }
        BlockTemplate real = template();
        BlockTemplate template = BlockTemplate.builder().version(real.version())
                .previousBlockHash(real.previousBlockHash()).coinbaseValueSats(value).bits(real.bits())
                .targetDisplayHex(real.targetDisplayHex()).curTime(real.curTime()).minTime(real.minTime())
                .height(real.height()).build();
        Job job = JobFactory.builder().payTo(BECH32, a).payTo(TAPROOT, b - a).payTo(LEGACY, 10_000 - b).build()
                .create(template, true);
        long sum = 0;
        for (TxOutput out : job.coinbase().outputs()) {
            assertTrue(out.valueSats() >= 0);
            sum += out.valueSats();
        }
        assertEquals(value, sum);
        assertEquals(value * (b - a) / 10_000, job.coinbase().outputs().get(1).valueSats());
    }

    @Test
    void theBuilderRefusesBadSettingsNamingTheValue() {
        assertEquals("a job needs at least one payout address (payTo)",
                assertThrows(IllegalArgumentException.class, () -> JobFactory.builder().build()).getMessage());
        assertEquals("payout shares must add up to 10000 basis points, got 9999", assertThrows(
                IllegalArgumentException.class,
                () -> JobFactory.builder().payTo(BECH32, 5000).payTo(TAPROOT, 4999).build()).getMessage());
        assertEquals("payout share must be 1..10000 basis points: 0", assertThrows(IllegalArgumentException.class,
                () -> JobFactory.builder().payTo(BECH32, 0)).getMessage());
        assertEquals("payout share must be 1..10000 basis points: 10001", assertThrows(IllegalArgumentException.class,
                () -> JobFactory.builder().payTo(BECH32, 10_001)).getMessage());
        assertThrows(NullPointerException.class, () -> JobFactory.builder().payTo(null));
        Address mainnet;
        try {
            mainnet = Address.fromOutputScript(BECH32.outputScript(), Network.MAINNET);
        } catch (AddressException e) {
            throw new AssertionError(e);
        }
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> JobFactory.builder().payTo(BECH32, 5000).payTo(mainnet, 5000).build()).getMessage()
                .startsWith("payout addresses are on different networks"));
        assertEquals("extranonce1 size must be 1..8 bytes: 0", assertThrows(IllegalArgumentException.class,
                () -> JobFactory.builder().payTo(BECH32).extranonce1Size(0).build()).getMessage());
        assertEquals("extranonce1 size must be 1..8 bytes: 9", assertThrows(IllegalArgumentException.class,
                () -> JobFactory.builder().payTo(BECH32).extranonce1Size(9).build()).getMessage());
        assertEquals("extranonce2 size must be 4 or 8 bytes: 5", assertThrows(IllegalArgumentException.class,
                () -> JobFactory.builder().payTo(BECH32).extranonce2Size(5).build()).getMessage());
        assertEquals("first sequence must be >= 0: -1", assertThrows(IllegalArgumentException.class,
                () -> JobFactory.builder().payTo(BECH32).firstSequence(-1).build()).getMessage());
        String longTag = "/" + "x".repeat(80) + "/";
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> JobFactory.builder().payTo(BECH32).poolTag(longTag).extranonce2Size(8).build()).getMessage()
                .startsWith("pool tag of 82 bytes does not fit the coinbase with a 12-byte extranonce"));
    }

    @Test
    void theLongestPoolTagTheBuilderAcceptsFitsAtTheLargestHeight() {
        JobFactory factory = JobFactory.builder().payTo(BECH32).poolTag("t".repeat(75)).extranonce2Size(8).build();
        BlockTemplate real = template();
        BlockTemplate highest = BlockTemplate.builder().version(real.version())
                .previousBlockHash(real.previousBlockHash()).coinbaseValueSats(real.coinbaseValueSats())
                .bits(real.bits()).targetDisplayHex(real.targetDisplayHex()).curTime(real.curTime())
                .minTime(real.minTime()).height(Integer.MAX_VALUE).build();
        Job job = factory.create(highest, true);
        Transaction coinbase = Transaction.parse(Hex.decode(job.coinb1Hex() + "00".repeat(12) + job.coinb2Hex()));
        byte[] scriptSig = coinbase.inputs().get(0).scriptSig();
        // height push 5 + slot push 1 + 12 + tag push 1 + 75
        assertEquals(94, scriptSig.length);
        assertEquals(Integer.MAX_VALUE, coinbase.bip34Height().orElseThrow());
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        assertTrue(m.find(), name);
        return m.group(1);
    }
}
