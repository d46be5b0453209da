package io.poolkit.core.share;

import static io.poolkit.core.share.ShareFixture.ANY;
import static io.poolkit.core.share.ShareFixture.E1;
import static io.poolkit.core.share.ShareFixture.E2;
import static io.poolkit.core.share.ShareFixture.EASY;
import static io.poolkit.core.share.ShareFixture.HARD;
import static io.poolkit.core.share.ShareFixture.expectedHash;
import static io.poolkit.core.share.ShareFixture.findNonce;
import static io.poolkit.core.share.ShareFixture.hardTemplate;
import static io.poolkit.core.share.ShareFixture.hex8;
import static io.poolkit.core.share.ShareFixture.meets;
import static io.poolkit.core.share.ShareFixture.regtestTemplate;
import static io.poolkit.core.share.ShareFixture.share;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.poolkit.core.chain.Address;
import io.poolkit.core.chain.AddressException;
import io.poolkit.core.chain.Block;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Hex;
import io.poolkit.core.chain.Network;
import io.poolkit.core.chain.Target;
import io.poolkit.core.chain.Transaction;
import io.poolkit.core.job.BlockCandidate;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.job.Job;
import io.poolkit.core.job.JobFactory;
import io.poolkit.core.job.JobRegistry;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@UsesSharedVectors
class BitcoinShareValidatorTest {
    private static final int MASK = 0x1fffe000;

    // ---- one row per rejection reason, and the order of the checks ----------------------------

    static Stream<Arguments> rejections() {
        return Stream.of(
                row("a nonce that is not hex", RejectReason.MALFORMED, f -> {
                    Job job = f.publish(regtestTemplate(), true);
                    return share(job, E2, 0, 1).nonceHex("0000000g");
                }),
                row("an nTime of 7 digits", RejectReason.MALFORMED, f -> {
                    Job job = f.publish(regtestTemplate(), true);
                    return share(job, E2, 0, 1).nTimeHex("6b07132");
                }),
                row("an extranonce2 of odd length", RejectReason.MALFORMED, f -> {
                    Job job = f.publish(regtestTemplate(), true);
                    return share(job, "000000a", 0, 1);
                }),
                row("version bits that are not hex", RejectReason.MALFORMED, f -> {
                    Job job = f.publish(regtestTemplate(), true);
                    return share(job, E2, 0, 1).versionMask(MASK).versionBitsHex("0000200x");
                }),
                row("a malformed share on an unknown job: malformed first", RejectReason.MALFORMED, f -> {
                    Job job = f.publish(regtestTemplate(), true);
                    return share(job, E2, 0, 1).begin("w", "fffff").extranonce1(E1).extranonce2Hex(E2)
                            .nTimeHex("zz").nonceHex("00000000");
                }),
                row("an unknown job id", RejectReason.JOB_NOT_FOUND, f -> {
                    Job job = f.publish(regtestTemplate(), true);
                    Submission s = share(job, E2, 0, 1);
                    return s.begin("bcrt1q.rig", "ffff" + job.id()).extranonce1(E1).extranonce2Hex(E2)
                            .nTimeHex(hex8(job.nTime())).nonceHex("00000000");
                }),
                row("a job evicted from a full registry", RejectReason.JOB_NOT_FOUND, f -> {
                    Job first = f.publish(regtestTemplate(), true);
                    f.publish(regtestTemplate(), false);
                    f.publish(regtestTemplate(), false); // maxJobs 2: evicts the first
                    return share(first, E2, 0, 1);
                }),
                row("a job from before a new block", RejectReason.STALE, f -> {
                    Job old = f.publish(regtestTemplate(), true);
                    f.publish(regtestTemplate(), true);
                    return share(old, E2, 0, 1);
                }),
                row("a job made stale by the node going away", RejectReason.STALE, f -> {
                    Job job = f.publish(regtestTemplate(), true);
                    f.registry.invalidateAll();
                    return share(job, E2, 0, 1);
                }),
                row("a stale job with a wrong extranonce2 too: stale first", RejectReason.STALE, f -> {
                    Job old = f.publish(regtestTemplate(), true);
                    f.publish(regtestTemplate(), true);
                    return share(old, "000000", 0, 1);
                }),
                row("an extranonce2 of 3 bytes for a 4-byte slot", RejectReason.EXTRANONCE2_SIZE, f -> {
                    Job job = f.publish(regtestTemplate(), true);
                    return share(job, "0000a7", 0, 1);
                }),
                row("an extranonce2 of 8 bytes for a 4-byte slot", RejectReason.EXTRANONCE2_SIZE, f -> {
                    Job job = f.publish(regtestTemplate(), true);
                    return share(job, "00000000000000a7", 0, 1);
                }),
                row("a wrong extranonce2 and a wrong nTime: extranonce2 first", RejectReason.EXTRANONCE2_SIZE, f -> {
                    Job job = f.publish(regtestTemplate(), true);
                    return share(job, "00", 0, 1).nTimeHex("00000000");
                }),
                row("an nTime one second before mintime", RejectReason.NTIME_OUT_OF_RANGE, f -> {
                    Job job = f.publish(regtestTemplate(), true);
                    return share(job, E2, 0, 1).nTimeHex(hex8(job.minTime() - 1));
                }),
                row("an nTime 7201 s after the job's", RejectReason.NTIME_OUT_OF_RANGE, f -> {
                    Job job = f.publish(regtestTemplate(), true);
                    return share(job, E2, 0, 1).nTimeHex(hex8(job.nTime() + 7201));
                }),
                row("an nTime of 0xffffffff (unsigned, far ahead)", RejectReason.NTIME_OUT_OF_RANGE, f -> {
                    Job job = f.publish(regtestTemplate(), true);
                    return share(job, E2, 0, 1).nTimeHex("ffffffff");
                }),
                row("a wrong nTime and bits outside the mask: nTime first", RejectReason.NTIME_OUT_OF_RANGE, f -> {
                    Job job = f.publish(regtestTemplate(), true);
                    return share(job, E2, 0, 1).nTimeHex("00000001").versionMask(MASK).versionBitsHex("00001000");
                }),
                row("a version bit outside the negotiated mask", RejectReason.VERSION_OUTSIDE_MASK, f -> {
                    Job job = f.publish(regtestTemplate(), true);
                    return share(job, E2, 0, 1).versionMask(MASK).versionBitsHex("00001000");
                }),
                row("the whole rolled version instead of the bits", RejectReason.VERSION_OUTSIDE_MASK, f -> {
                    Job job = f.publish(regtestTemplate(), true);
                    return share(job, E2, 0, 1).versionMask(MASK).versionBitsHex("20002000");
                }),
                row("version bits without a negotiated mask", RejectReason.VERSION_OUTSIDE_MASK, f -> {
                    Job job = f.publish(regtestTemplate(), true);
                    return share(job, E2, 0, 1).versionBitsHex("00000000");
                }),
                row("the same share twice", RejectReason.DUPLICATE, f -> {
                    Job job = f.publish(hardTemplate(), true);
                    int nonce = findNonce(job, E2, job.version(), meets(ANY));
                    assertSame(ShareOutcome.ACCEPTED, f.validator.validate(share(job, E2, nonce, ANY)));
                    return share(job, E2, nonce, ANY);
                }),
                row("a repeat after the difficulty rose past it: duplicate first", RejectReason.DUPLICATE, f -> {
                    Job job = f.publish(hardTemplate(), true);
                    int nonce = findNonce(job, E2, job.version(), meets(EASY).and(meets(HARD).negate()));
                    assertSame(ShareOutcome.ACCEPTED, f.validator.validate(share(job, E2, nonce, EASY)));
                    return share(job, E2, nonce, HARD);
                }),
                row("a new share once the job's memory is full", RejectReason.JOB_SHARE_LIMIT, f -> {
                    Job job = f.publish(hardTemplate(), true);
                    int nonce = findNonce(job, E2, job.version(), meets(ANY));
                    assertSame(ShareOutcome.ACCEPTED, f.validator.validate(share(job, E2, nonce, ANY)));
                    return share(job, "000000a8", findNonce(job, "000000a8", job.version(), meets(ANY)), ANY);
                }),
                row("a hash above the share target (and the network's)", RejectReason.LOW_DIFFICULTY, f -> {
                    Job job = f.publish(regtestTemplate(), true);
                    int nonce = findNonce(job, E2, job.version(),
                            meets(1e6).negate().and(meets(job.networkTarget()).negate()));
                    return share(job, E2, nonce, 1e6);
                }));
    }

    private static Arguments row(String scenario, RejectReason expected, Function<ShareFixture, Submission> setUp) {
        return Arguments.of(scenario, expected, setUp);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("rejections")
    void rejectsEachBadShareWithItsExactReason(String scenario, RejectReason expected,
            Function<ShareFixture, Submission> setUp) {
        // A registry of 2 jobs remembering 1 share each, so eviction and a full memory are reachable.
        ShareFixture fixture = new ShareFixture(2, 1);
        Submission submission = setUp.apply(fixture);
        ShareOutcome outcome = fixture.validator.validate(submission);
        ShareOutcome.Rejected rejected = assertInstanceOf(ShareOutcome.Rejected.class, outcome, scenario);
        assertEquals(expected, rejected.reason(), scenario);
        assertSame(ShareOutcome.rejected(expected), outcome);
        assertEquals(0, submission.creditedDifficulty());
        assertTrue(fixture.submitted.isEmpty(), "no block handed on for a rejected share");
    }

    // ---- accepted shares -------------------------------------------------------------------------

    @Test
    void acceptsAShareAndRecordsWhatItAchieved() {
        ShareFixture f = new ShareFixture();
        Job job = f.publish(hardTemplate(), true);
        int nonce = findNonce(job, E2, job.version(), meets(EASY));
        Submission s = share(job, E2, nonce, EASY);

        assertSame(ShareOutcome.ACCEPTED, f.validator.validate(s));

        byte[] expected = expectedHash(job, E1, Hex.decode(E2), job.nTime(), nonce, job.version());
        byte[] hash = new byte[32];
        s.copyHash(hash, 0);
        assertArrayEquals(expected, hash);
        assertSame(job, s.job());
        assertEquals(job.version(), s.blockVersion());
        assertEquals(EASY, s.creditedDifficulty());
        assertEquals(Target.difficultyOfHash(expected, 0), s.achievedDifficulty());
        assertTrue(s.achievedDifficulty() >= EASY);
        assertTrue(f.submitted.isEmpty(), "not a block at difficulty 1's target");
    }

    @Test
    void acceptsTheEdgesOfTheNTimeRange() {
        ShareFixture f = new ShareFixture();
        Job job = f.publish(hardTemplate(), true);
        for (long nTime : new long[] {job.minTime(), job.nTime() + BitcoinShareValidator.MAX_NTIME_AHEAD_SECONDS}) {
            Submission s = share(job, E2, 0, ANY).nTimeHex(hex8(nTime));
            byte[] expected = expectedHash(job, E1, Hex.decode(E2), nTime, 0, job.version());
            assumeTrue(Target.fromDifficulty(ANY).isMetBy(expected, 0));
            assertSame(ShareOutcome.ACCEPTED, f.validator.validate(s), "nTime " + nTime);
        }
    }

    @Test
    void aVersionRolledShareIsNotADuplicateButItsRepeatIs() {
        ShareFixture f = new ShareFixture();
        Job job = f.publish(hardTemplate(), true);
        int nonce = 7;
        Submission first = share(job, E2, nonce, ANY).versionMask(MASK).versionBitsHex("00002000");
        Submission rolled = share(job, E2, nonce, ANY).versionMask(MASK).versionBitsHex("00004000");
        int firstVersion = (job.version() & ~MASK) | 0x2000;
        int rolledVersion = (job.version() & ~MASK) | 0x4000;
        assumeTrue(meets(ANY).test(expectedHash(job, E1, Hex.decode(E2), job.nTime(), nonce, firstVersion)));
        assumeTrue(meets(ANY).test(expectedHash(job, E1, Hex.decode(E2), job.nTime(), nonce, rolledVersion)));

        assertSame(ShareOutcome.ACCEPTED, f.validator.validate(first));
        assertEquals(firstVersion, first.blockVersion());
        assertSame(ShareOutcome.ACCEPTED, f.validator.validate(rolled), "differs only in version bits");
        assertEquals(rolledVersion, rolled.blockVersion());
        byte[] hash = new byte[32];
        rolled.copyHash(hash, 0);
        assertArrayEquals(expectedHash(job, E1, Hex.decode(E2), job.nTime(), nonce, rolledVersion), hash);

        Submission again = share(job, E2, nonce, ANY).versionMask(MASK).versionBitsHex("00004000");
        assertSame(ShareOutcome.rejected(RejectReason.DUPLICATE), f.validator.validate(again));
        // Rolling the job's own masked bit away from it (0x10000000 is in the mask) is a third header.
        Submission cleared = share(job, E2, nonce, ANY).versionMask(MASK).versionBitsHex("00000000");
        assertEquals(0x20000000, (job.version() & ~MASK));
        assumeTrue(meets(ANY).test(expectedHash(job, E1, Hex.decode(E2), job.nTime(), nonce, 0x20000000)));
        assertSame(ShareOutcome.ACCEPTED, f.validator.validate(cleared));
        assertEquals(0x20000000, cleared.blockVersion());
    }

    @Test
    void sharesDifferingInAnyOtherFieldAreNotDuplicates() {
        ShareFixture f = new ShareFixture();
        Job job = f.publish(hardTemplate(), true);
        List<Submission> distinct = List.of(
                share(job, E2, 1, ANY),
                share(job, E2, 2, ANY),
                share(job, "000000a8", 1, ANY),
                share(job, E2, 1, ANY).nTimeHex(hex8(job.nTime() + 1)),
                share(job, E2, 1, ANY).extranonce1(Hex.decode("0badcaff")));
        for (Submission s : distinct) {
            byte[] e1 = new byte[4];
            s.copyExtranonce1(e1, 0);
            byte[] e2 = new byte[4];
            s.copyExtranonce2(e2, 0);
            assumeTrue(meets(ANY).test(expectedHash(job, e1, e2, Integer.toUnsignedLong(s.nTime()), s.nonce(),
                    job.version())));
            assertSame(ShareOutcome.ACCEPTED, f.validator.validate(s));
        }
        // The same nonce on another job of the same template is another share too.
        Job refresh = f.publish(hardTemplate(), false);
        assertSame(ShareOutcome.ACCEPTED, f.validator.validate(share(refresh, E2, 1, ANY)));
        assertSame(ShareOutcome.rejected(RejectReason.DUPLICATE), f.validator.validate(share(refresh, E2, 1, ANY)));
    }

    // ---- across a difficulty change ----------------------------------------------------------------

    @Test
    void afterTheDifficultyIsLoweredAShareOnAnOldJobMeetingOnlyTheNewTargetIsCreditedAtTheNewDifficulty() {
        ShareFixture f = new ShareFixture();
        Job old = f.publish(hardTemplate(), true);
        Job sentAfterChange = f.publish(hardTemplate(), false);
        int nonce = findNonce(old, E2, old.version(), meets(EASY).and(meets(HARD).negate()));

        Submission s = share(old, E2, nonce, EASY)
                .previousShareTarget(Target.fromDifficulty(HARD), HARD, sentAfterChange.sequence());
        assertSame(ShareOutcome.ACCEPTED, f.validator.validate(s));
        assertEquals(EASY, s.creditedDifficulty());

        // One that met the old, harder target is credited at that.
        int hardNonce = findNonce(old, E2, old.version(), meets(HARD));
        Submission hard = share(old, E2, hardNonce, EASY)
                .previousShareTarget(Target.fromDifficulty(HARD), HARD, sentAfterChange.sequence());
        assertSame(ShareOutcome.ACCEPTED, f.validator.validate(hard));
        assertEquals(HARD, hard.creditedDifficulty());
    }

    @Test
    void afterTheDifficultyIsRaisedAShareOnAnOldJobMeetingOnlyTheOldTargetIsCreditedAtTheOldDifficulty() {
        ShareFixture f = new ShareFixture();
        Job old = f.publish(hardTemplate(), true);
        Job sentAfterChange = f.publish(hardTemplate(), false);
        int nonce = findNonce(old, E2, old.version(), meets(EASY).and(meets(HARD).negate()));

        Submission s = share(old, E2, nonce, HARD)
                .previousShareTarget(Target.fromDifficulty(EASY), EASY, sentAfterChange.sequence());
        assertSame(ShareOutcome.ACCEPTED, f.validator.validate(s));
        assertEquals(EASY, s.creditedDifficulty());

        int hardNonce = findNonce(old, E2, old.version(), meets(HARD));
        Submission hard = share(old, E2, hardNonce, HARD)
                .previousShareTarget(Target.fromDifficulty(EASY), EASY, sentAfterChange.sequence());
        assertSame(ShareOutcome.ACCEPTED, f.validator.validate(hard));
        assertEquals(HARD, hard.creditedDifficulty(), "credited at the harder target it met");
    }

    @Test
    void afterTheDifficultyIsRaisedTheSameShareOnAJobSentAfterTheChangeIsLowDifficulty() {
        ShareFixture f = new ShareFixture();
        f.publish(hardTemplate(), true);
        Job sentAfterChange = f.publish(hardTemplate(), false);
        int nonce = findNonce(sentAfterChange, E2, sentAfterChange.version(),
                meets(EASY).and(meets(HARD).negate()));

        Submission s = share(sentAfterChange, E2, nonce, HARD)
                .previousShareTarget(Target.fromDifficulty(EASY), EASY, sentAfterChange.sequence());
        assertSame(ShareOutcome.rejected(RejectReason.LOW_DIFFICULTY), f.validator.validate(s));
        assertEquals(0, s.creditedDifficulty());
        assertTrue(s.achievedDifficulty() >= EASY && s.achievedDifficulty() < HARD, "" + s.achievedDifficulty());
    }

    // ---- blocks ------------------------------------------------------------------------------------

    @Test
    void aShareMeetingTheNetworkTargetIsAssembledAndSubmittedAsABlock() {
        ShareFixture f = new ShareFixture();
        BlockTemplate template = regtestTemplate();
        Job job = f.publish(template, true);
        int nonce = findNonce(job, E2, job.version(), meets(job.networkTarget()).and(meets(ANY)));
        Submission s = share(job, E2, nonce, ANY);

        ShareOutcome.Block block = assertInstanceOf(ShareOutcome.Block.class, f.validator.validate(s));

        byte[] expected = expectedHash(job, E1, Hex.decode(E2), job.nTime(), nonce, job.version());
        assertEquals(Hash256.fromInternalBytes(expected), block.hash());
        assertEquals(205, block.height());
        assertEquals(BlockVerdict.accepted(), block.verdict().join());
        assertEquals(ANY, s.creditedDifficulty());
        assertEquals(1, f.submitted.size());
        BlockCandidate candidate = f.submitted.get(0);
        assertEquals(block.hash(), candidate.hash());
        assertEquals(205, candidate.height());

        Block parsed = Block.fromHex(candidate.blockHex());
        assertEquals(block.hash(), parsed.hash());
        assertTrue(template.target().isMetBy(parsed.hash().internalBytes(), 0));
        assertEquals(parsed.computeMerkleRoot(), parsed.header().merkleRoot());
        assertEquals(template.previousBlockHash(), parsed.header().prevHash());
        assertEquals(nonce, parsed.header().nonce());
        assertEquals(job.nTime(), parsed.header().time());
        assertEquals(template.transactions().size() + 1, parsed.transactions().size());
        for (int i = 0; i < template.transactions().size(); i++) {
            assertEquals(template.transactions().get(i).txid(), parsed.transactions().get(i + 1).txid());
            assertEquals(template.transactions().get(i).dataHex(), parsed.transactions().get(i + 1).toHex());
        }
        Transaction coinbase = parsed.coinbase();
        assertEquals(205, coinbase.bip34Height().orElseThrow());
        assertEquals(parsed.computeWitnessCommitment(), coinbase.witnessCommitment());
        assertEquals(template.coinbaseValueSats(), coinbase.totalOutputSats());
    }

    @Test
    void aBlockBelowTheShareTargetIsStillSubmittedAndCreditedAtTheNetworkDifficulty() {
        ShareFixture f = new ShareFixture();
        Job job = f.publish(regtestTemplate(), true);
        int nonce = findNonce(job, E2, job.version(), meets(job.networkTarget()).and(meets(1.0).negate()));
        Submission s = share(job, E2, nonce, 1.0);

        assertInstanceOf(ShareOutcome.Block.class, f.validator.validate(s));
        assertEquals(1, f.submitted.size());
        assertEquals(job.networkDifficulty(), s.creditedDifficulty());
        assertSame(ShareOutcome.rejected(RejectReason.DUPLICATE), f.validator.validate(share(job, E2, nonce, 1.0)));
        assertEquals(1, f.submitted.size(), "a repeated block is not submitted twice");
    }

    @Test
    void reproducesTheBlockBitcoinCoreAcceptedFromItsShare() throws AddressException {
        String vector = SharedVectors.text("bitcoind-regtest/assembled-block.json");
        JobRegistry registry = new JobRegistry();
        List<BlockCandidate> submitted = new ArrayList<>();
        BitcoinShareValidator validator = new BitcoinShareValidator(registry, c -> {
            submitted.add(c);
            return CompletableFuture.completedFuture(BlockVerdict.accepted());
        });
        Address payout = Address.fromOutputScript(Hex.decode(field(vector, "payout_script_hex")), Network.REGTEST);
        JobFactory factory = JobFactory.builder().payTo(payout).poolTag(field(vector, "coinbase_tag"))
                .extranonce1Size(4).extranonce2Size(4).build();
        Job job = factory.create(regtestTemplate(), true);
        registry.register(job);
        String extranonce = field(vector, "extranonce_hex");
        Block accepted = Block.fromHex(field(vector, "block_hex"));

        Submission s = new Submission().begin("bcrt1q.rig", job.id())
                .extranonce1(Hex.decode(extranonce.substring(0, 8)))
                .extranonce2Hex(extranonce.substring(8))
                .nTimeHex(hex8(accepted.header().time()))
                .nonceHex(hex8(Integer.toUnsignedLong(accepted.header().nonce())))
                .versionBitsHex(null)
                .shareTarget(Target.fromDifficulty(ANY), ANY);
        ShareOutcome.Block block = assertInstanceOf(ShareOutcome.Block.class, validator.validate(s));

        assertEquals(field(vector, "block_hash"), block.hash().displayHex());
        assertEquals(1, submitted.size());
        assertEquals(field(vector, "block_hex"), submitted.get(0).blockHex());
    }

    @Test
    void aSubmitterThatThrowsGivesAFailedVerdictNotAnException() {
        JobRegistry registry = new JobRegistry();
        BitcoinShareValidator validator = new BitcoinShareValidator(registry, c -> {
            throw new IllegalStateException("node client bug");
        });
        ShareFixture f = new ShareFixture();
        Job job = f.factory.create(regtestTemplate(), true);
        registry.register(job);
        int nonce = findNonce(job, E2, job.version(), meets(job.networkTarget()).and(meets(ANY)));
        ShareOutcome.Block block = assertInstanceOf(ShareOutcome.Block.class,
                validator.validate(share(job, E2, nonce, ANY)));
        assertTrue(block.verdict().isCompletedExceptionally());
    }

    // ---- no allocation on the accepted path -----------------------------------------------------

    @Test
    void validatingAcceptedSharesAllocatesNothing() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean bean && bean.isThreadAllocatedMemorySupported(),
                "this JVM cannot count allocated bytes per thread");
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) threads;
        bean.setThreadAllocatedMemoryEnabled(true);
        long thread = Thread.currentThread().getId();

        JobRegistry registry = new JobRegistry(2, 1 << 14);
        BitcoinShareValidator validator = new BitcoinShareValidator(registry, c -> {
            throw new AssertionError("no block expected");
        });
        Job job = new ShareFixture().factory.create(hardTemplate(), true);
        registry.register(job);
        int rounds = 2;
        int perRound = 2_000;
        String[] nonces = new String[rounds * perRound];
        for (int i = 0; i < nonces.length; i++) {
            nonces[i] = hex8(i);
        }
        Target target = Target.fromDifficulty(ANY);
        String nTime = hex8(job.nTime());
        Submission s = new Submission();
        long[] allocated = new long[rounds];
        int accepted = 0;
        for (int round = 0; round < rounds; round++) { // the first round links call sites and fills the caches
            long before = bean.getThreadAllocatedBytes(thread);
            for (int i = round * perRound; i < (round + 1) * perRound; i++) {
                s.begin("w", job.id()).extranonce1(E1).extranonce2Hex(E2).nTimeHex(nTime).nonceHex(nonces[i])
                        .versionBitsHex(null).shareTarget(target, ANY);
                accepted += validator.validate(s) == ShareOutcome.ACCEPTED ? 1 : 0;
            }
            allocated[round] = bean.getThreadAllocatedBytes(thread) - before;
        }
        assertTrue(accepted > rounds * perRound * 9 / 10, accepted + " accepted");
        // Anything allocated per share would be at least 16 bytes a share: 32,000 bytes over 2,000.
        assertTrue(allocated[1] < 1024, allocated[1] + " bytes allocated by " + perRound + " accepted shares");
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        assertTrue(m.find(), name);
        return m.group(1);
    }
}
