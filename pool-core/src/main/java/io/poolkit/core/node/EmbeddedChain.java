package io.poolkit.core.node;

import io.poolkit.core.chain.Block;
import io.poolkit.core.chain.BlockAssembler;
import io.poolkit.core.chain.BlockHeader;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Coinbase;
import io.poolkit.core.chain.CompactBits;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Network;
import io.poolkit.core.chain.Target;
import io.poolkit.core.chain.TemplateTransaction;
import io.poolkit.core.chain.Transaction;
import io.poolkit.core.chain.TxInput;
import io.poolkit.core.chain.WitnessCommitment;
import io.poolkit.core.hash.Sha256d;
import io.poolkit.core.job.BlockCandidate;
import io.poolkit.core.job.BlockState;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.job.JobSource;
import io.poolkit.core.job.TemplateListener;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process regtest-style chain: a {@link JobSource} that builds block templates and fully validates
 * the blocks submitted to it, for the demo pool and for tests that need a chain without a {@code bitcoind}.
 *
 * <pre>{@code
 * EmbeddedChain chain = EmbeddedChain.builder()
 *         .retarget(2_000_000, Duration.ofSeconds(10))   // 2 MH/s finds a block every 10 s on average
 *         .refreshInterval(Duration.ofSeconds(30))
 *         .build();
 * chain.start(listener);                                 // templates arrive on the chain's own thread
 * BlockVerdict verdict = chain.submitBlock(candidate).join();
 * }</pre>
 *
 * <p><b>Templates.</b> Each builds on the tip at height tip + 1 with the mempool's transactions: a few
 * synthetic ones per new tip (legacy and segwit spends of made-up outputs, with fees), known ones
 * ({@link Builder#knownTransactions}) and a wallet's ({@link #submitTransaction}). The coinbase value is
 * the subsidy plus their fees; the witness commitment is {@link WitnessCommitment#scriptFor}; {@code curtime}
 * is the clock but never before {@code mintime}, the median time past + 1. A new tip (a block accepted,
 * {@link #mineBlocks}, {@link #reorganize}) and a difficulty change deliver a clean template; a refresh
 * ({@link Builder#refreshInterval}) or a submitted transaction a non-clean one.
 *
 * <p><b>Validation.</b> Every submitted block is checked as Bitcoin Core checks a block extending its tip,
 * in Core's order, and a refusal's {@link BlockVerdict#reason()} starts with Core's reject string, then a
 * colon and what was wrong: {@code decode-failed}, {@code high-hash} (proof of work against the block's own
 * nBits, within the network's limit), {@code prev-blk-not-found} (unknown parent), {@code inconclusive}
 * (a known parent that is not the tip: a stale block; no side branches are kept), {@code bad-diffbits}
 * (nBits other than the chain's), {@code time-too-old} (not after the median time past),
 * {@code time-too-new} (over two hours ahead of the clock), {@code bad-version(0x…)} (below 4),
 * {@code bad-txnmrklroot}, {@code bad-cb-height} (BIP34), {@code bad-witness-nonce-size},
 * {@code bad-witness-merkle-match}, {@code unexpected-witness}, size, weight and sigop limits,
 * {@code bad-txns-inputs-missingorspent} (a transaction the chain does not hold: it keeps no UTXO set and
 * runs no scripts, so it accepts only transactions whose fee it knows), {@code bad-cb-amount} (coinbase
 * over subsidy plus fees). A block already on the best chain is {@code ACCEPTED} with reason
 * {@code duplicate}, as a node's {@code "duplicate"} counts as success.
 *
 * <p><b>Difficulty</b> is what the chain is told ({@link #setDifficulty}, {@link #retarget}), not derived
 * from block times; each block must carry exactly the current nBits. The chain's own blocks
 * ({@link #mineBlocks}, {@link #reorganize}) obey the same rules: the chain searches nonces itself, so these
 * need an easy target (about a million hashes a block at most, e.g. regtest's limit where half of all
 * hashes qualify).
 *
 * <p>Thread-safe. Listener calls come one at a time, in order, on the chain's own thread (or the executor
 * given to {@link Builder#listenerExecutor}), never on a caller's; blocks are validated on the chain's
 * thread too, where the futures of {@link #submitBlock} complete. A listener must not wait for a
 * {@code submitBlock} future. {@link #close()} stops the thread; no listener call follows it.
 */
public final class EmbeddedChain implements JobSource {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedChain.class);

    /** Regtest's genesis block: the default starting tip, at height 0. */
    static final BlockHeader REGTEST_GENESIS = BlockHeader.of(1, Hash256.ZERO,
            Hash256.fromDisplayHex("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"),
            1_296_688_602L, 0x207fffff, 2);

    /** The most hashes a block may need on average for the chain to mine it itself. */
    static final long MAX_EXPECTED_HASHES_TO_MINE = 1L << 20;
    /** Tries per block before the chain gives up: far beyond what an allowed target needs. */
    private static final long MAX_NONCE_TRIES = 64 * MAX_EXPECTED_HASHES_TO_MINE;
    private static final int DEFAULT_VERSION = 0x2000_0000;
    private static final int MEDIAN_TIME_SPAN = 11;
    /** Weight and sigops left for the coinbase, as Bitcoin Core's block assembler leaves them. */
    private static final int COINBASE_WEIGHT_RESERVE = 4_000;
    private static final int COINBASE_SIGOPS_RESERVE = 400;
    /** OP_TRUE: the chain's own blocks pay no one in particular. */
    private static final byte[] ANYONE_CAN_SPEND = {0x51};
    private static final String MINED_TAG = "/EmbeddedChain/";
    private static final String REORG_TAG = "/EmbeddedChain reorg/";
    private static final List<String> RULES = List.of("csv", "!segwit", "taproot");
    private static final List<String> CAPABILITIES = List.of("proposal");
    private static final List<String> MUTABLE = List.of("time", "transactions", "prevblock");
    private static final BigDecimal TWO_POW_256 = new BigDecimal(BigInteger.ONE.shiftLeft(256));
    private static final BigInteger TWO_POW_236 = BigInteger.ONE.shiftLeft(236);

    private final Network network;
    private final Clock clock;
    private final int version;
    private final int syntheticPerTip;
    private final Duration refreshInterval;
    private final SyntheticTransactions synthetic;
    private final ScheduledExecutorService worker;
    private final Executor listenerExecutor;

    private final Object lock = new Object();
    // Guarded by lock.
    private final Map<Hash256, ChainBlock> blocks = new HashMap<>();
    private final List<ChainBlock> bestChain = new ArrayList<>();
    private final Map<Hash256, ChainBlock> confirmedIn = new HashMap<>();
    private LinkedHashMap<Hash256, MempoolEntry> mempool = new LinkedHashMap<>();
    private Map<Outpoint, Hash256> mempoolSpends = new HashMap<>();
    private int bits;
    private BlockTemplate template;
    private long templateCount;
    private long minedCount;
    private TemplateListener listener;
    private volatile boolean closed;

    private EmbeddedChain(Builder b, int bits) {
        this.network = b.network;
        this.clock = b.clock;
        this.version = b.version;
        this.syntheticPerTip = b.syntheticTransactions;
        this.refreshInterval = b.refreshInterval;
        this.synthetic = new SyntheticTransactions(b.seed);
        this.bits = bits;
        ChainBlock anchor = b.startHash == null
                ? new ChainBlock(REGTEST_GENESIS.hash(), 0, REGTEST_GENESIS.time(), REGTEST_GENESIS, null, List.of())
                : new ChainBlock(b.startHash, b.startHeight, b.startTime, null, null, List.of());
        blocks.put(anchor.hash, anchor);
        bestChain.add(anchor);
        synchronized (lock) {
            for (int i = 0; i < b.initialBlocks; i++) {
                connectOwnBlock(mine(MINED_TAG));
            }
            for (MempoolEntry entry : b.known) {
                addToMempool(entry);
            }
            addSynthetic();
            template = buildTemplate();
        }
        this.worker = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "poolkit-embedded-chain");
            thread.setDaemon(true);
            return thread;
        });
        this.listenerExecutor = new SerialExecutor(b.listenerExecutor == null ? worker : b.listenerExecutor);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The nBits at which {@code hashesPerSecond} finds a block every {@code blockInterval} on average:
     * target = 2<sup>256</sup> / (hashrate × seconds) − 1 (so a block takes that many hashes on average),
     * in canonical compact form, clamped to the network's proof-of-work limit. 2<sup>32</sup> hashes a
     * block is {@code 0x1d00ffff}, difficulty 1.
     *
     * @throws IllegalArgumentException if the hashrate is not a positive finite number or the interval is
     *                                  not positive
     */
    public static int bitsFor(Network network, double hashesPerSecond, Duration blockInterval) {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(blockInterval, "blockInterval");
        if (!(hashesPerSecond > 0) || Double.isInfinite(hashesPerSecond)) {
            throw new IllegalArgumentException("hashrate must be a positive finite number of hashes per second: "
                    + hashesPerSecond);
        }
        if (blockInterval.isNegative() || blockInterval.isZero()) {
            throw new IllegalArgumentException("block interval must be positive: " + blockInterval);
        }
        BigDecimal seconds = BigDecimal.valueOf(blockInterval.getSeconds())
                .add(BigDecimal.valueOf(blockInterval.getNano(), 9));
        BigDecimal hashes = new BigDecimal(hashesPerSecond).multiply(seconds);
        BigInteger target = TWO_POW_256.divide(hashes, 0, RoundingMode.FLOOR).toBigInteger().subtract(BigInteger.ONE);
        Target limit = Target.fromCompact(network.powLimitBits());
        if (target.compareTo(limit.toBigInteger()) >= 0) {
            return network.powLimitBits();
        }
        return Target.fromBigInteger(target.max(BigInteger.ONE)).toCompact();
    }

    /** The nBits of {@code difficulty} (difficulty 1 is {@code 0x1d00ffff}), clamped to the network's limit. */
    static int bitsForDifficulty(Network network, double difficulty) {
        Target target = Target.fromDifficulty(difficulty);
        Target limit = Target.fromCompact(network.powLimitBits());
        if (target.compareTo(limit) >= 0) {
            return network.powLimitBits();
        }
        int bits = target.toCompact();
        if (Target.fromCompact(bits).equals(Target.ZERO)) {
            throw new IllegalArgumentException("difficulty " + difficulty + " leaves no target above zero");
        }
        return bits;
    }

    @Override
    public Network network() {
        return network;
    }

    /** Delivers the current template (clean) to {@code listener}, then every later one; starts refreshes. */
    @Override
    public void start(TemplateListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the embedded chain is closed");
            }
            if (this.listener != null) {
                throw new IllegalStateException("start is called once; the chain already has a listener");
            }
            this.listener = listener;
            dispatch(template, true);
        }
        if (!refreshInterval.isZero()) {
            long millis = Math.max(1, refreshInterval.toMillis());
            try {
                worker.scheduleWithFixedDelay(this::refresh, millis, millis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closed meanwhile: no refreshes are wanted any more
            }
        }
    }

    /**
     * Validates {@code block.blockHex()} on the chain's thread, as a node does {@code submitblock}: the
     * candidate's hash and height are not trusted, only the bytes. Accepted, the block becomes the tip
     * and a clean template for it follows. After {@link #close()} the verdict is unknown.
     */
    @Override
    public CompletableFuture<BlockVerdict> submitBlock(BlockCandidate block) {
        Objects.requireNonNull(block, "block");
        String hex = block.blockHex();
        try {
            return CompletableFuture.supplyAsync(() -> process(hex), worker);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(closedVerdict());
        }
    }

    /**
     * Confirmed with {@code tip height − block height + 1} confirmations when {@code hash} is on the best
     * chain, orphaned otherwise (including a hash the chain never saw). Completes at once.
     */
    @Override
    public CompletableFuture<BlockState> blockState(Hash256 hash, long height) {
        Objects.requireNonNull(hash, "hash");
        synchronized (lock) {
            ChainBlock block = blocks.get(hash);
            if (block == null || !isOnBestChain(block)) {
                return CompletableFuture.completedFuture(BlockState.orphaned(hash));
            }
            return CompletableFuture.completedFuture(BlockState.confirmed(hash, confirmations(block)));
        }
    }

    /** Stops the chain's thread; blocks still queued get an unknown verdict; no listener call follows. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        worker.shutdown();
    }

    /** The template for the next block, as last delivered (or about to be). */
    public BlockTemplate currentTemplate() {
        synchronized (lock) {
            return template;
        }
    }

    /** The tip's height. */
    public long height() {
        synchronized (lock) {
            return tip().height;
        }
    }

    /** The tip's hash. */
    public Hash256 tipHash() {
        synchronized (lock) {
            return tip().hash;
        }
    }

    /** The hash of the best chain's block at {@code height}, like {@code getblockhash}; empty outside the chain. */
    public Optional<Hash256> blockHash(long height) {
        synchronized (lock) {
            long index = height - bestChain.get(0).height;
            if (index < 0 || index >= bestChain.size()) {
                return Optional.empty();
            }
            return Optional.of(bestChain.get((int) index).hash);
        }
    }

    /**
     * The header of a block the chain knows, on the best chain or orphaned; empty for an unknown hash and
     * for a starting block given only by its hash.
     */
    public Optional<BlockHeader> header(Hash256 hash) {
        synchronized (lock) {
            ChainBlock block = blocks.get(hash);
            return block == null ? Optional.empty() : Optional.ofNullable(block.header);
        }
    }

    /** A block the chain accepted or mined (on the best chain or orphaned); empty for the starting block. */
    public Optional<Block> block(Hash256 hash) {
        synchronized (lock) {
            ChainBlock block = blocks.get(hash);
            return block == null ? Optional.empty() : Optional.ofNullable(block.block);
        }
    }

    /** The nBits every next block must carry. */
    public int bits() {
        synchronized (lock) {
            return bits;
        }
    }

    /** The difficulty of {@link #bits()}, for display. */
    public double difficulty() {
        return Target.fromCompact(bits()).difficulty();
    }

    /**
     * Sets the difficulty of the next blocks (clamped to the network's limit) and delivers a clean template:
     * work on the old nBits would be refused ({@code bad-diffbits}).
     *
     * @throws IllegalArgumentException if {@code difficulty} is not a positive finite number
     */
    public void setDifficulty(double difficulty) {
        changeBits(bitsForDifficulty(network, difficulty));
    }

    /**
     * Sets the difficulty so that {@code hashesPerSecond} finds a block every {@code blockInterval} on
     * average ({@link #bitsFor}), and delivers a clean template.
     */
    public void retarget(double hashesPerSecond, Duration blockInterval) {
        changeBits(bitsFor(network, hashesPerSecond, blockInterval));
    }

    /**
     * Advances the chain by {@code count} blocks mined by "someone else" (the chain itself: coinbase to
     * OP_TRUE, with the mempool's transactions), validated like any block, then delivers a clean template.
     * Runs on the caller's thread.
     *
     * @return the new blocks' hashes, lowest first
     * @throws IllegalStateException if the current target needs more than about a million hashes a block
     *                               (lower the difficulty first), or the chain is closed
     */
    public List<Hash256> mineBlocks(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("mine at least one block: " + count);
        }
        synchronized (lock) {
            requireOpen();
            requireMinable();
            List<Hash256> mined = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                mined.add(connectOwnBlock(mine(MINED_TAG)).hash);
            }
            newTip();
            return List.copyOf(mined);
        }
    }

    /**
     * Replaces the top {@code depth} blocks with {@code depth + 1} blocks the chain mines on their parent (a
     * longer branch wins, as in Bitcoin), so the replaced blocks become orphans: {@link #blockState} says so
     * and a pool's coinbase in them is void. Their transactions go back to the mempool (and into the new
     * branch). Delivers a clean template. Runs on the caller's thread.
     *
     * @return the new branch's hashes, lowest first
     * @throws IllegalArgumentException if {@code depth} is not 1..(blocks above the starting block)
     * @throws IllegalStateException    as {@link #mineBlocks}
     */
    public List<Hash256> reorganize(int depth) {
        synchronized (lock) {
            requireOpen();
            int replaceable = bestChain.size() - 1;
            if (depth < 1 || depth > replaceable) {
                throw new IllegalArgumentException("can replace 1.." + replaceable
                        + " blocks (those above the starting block); asked for " + depth);
            }
            requireMinable();
            List<MempoolEntry> returned = new ArrayList<>();
            for (ChainBlock gone : bestChain.subList(bestChain.size() - depth, bestChain.size())) {
                returned.addAll(gone.transactions);
            }
            for (int i = 0; i < depth; i++) {
                ChainBlock gone = bestChain.remove(bestChain.size() - 1);
                for (MempoolEntry entry : gone.transactions) {
                    confirmedIn.remove(entry.txid());
                }
            }
            LinkedHashMap<Hash256, MempoolEntry> previous = mempool;
            mempool = new LinkedHashMap<>();
            mempoolSpends = new HashMap<>();
            // Disconnected transactions first: a mempool transaction may spend their outputs.
            for (MempoolEntry entry : returned) {
                addToMempool(entry);
            }
            for (MempoolEntry entry : previous.values()) {
                if (conflict(entry.transaction()) == null) {
                    addToMempool(entry);
                }
            }
            List<Hash256> branch = new ArrayList<>(depth + 1);
            for (int i = 0; i <= depth; i++) {
                branch.add(connectOwnBlock(mine(REORG_TAG)).hash);
            }
            LOG.info("embedded chain reorganised: {} block(s) replaced by {}, tip {} at height {}", depth, depth + 1,
                    tip().hash, tip().height);
            newTip();
            return List.copyOf(branch);
        }
    }

    /**
     * Puts a wallet's transaction into the mempool, so the next templates (and the chain's own blocks)
     * include it, and delivers a non-clean template. The chain keeps no UTXO set: the inputs are trusted
     * and {@code feeSats} is taken as the fee. Submitting a transaction again is harmless.
     *
     * @return its txid
     * @throws IllegalArgumentException for a coinbase, a negative fee, a transaction not final at the next
     *                                  height, or one spending an output a mempool transaction already spends
     */
    public Hash256 submitTransaction(Transaction transaction, long feeSats) {
        Objects.requireNonNull(transaction, "transaction");
        if (transaction.isCoinbase()) {
            throw new IllegalArgumentException("a coinbase cannot enter the mempool: " + transaction.txid());
        }
        MempoolEntry entry = MempoolEntry.of(transaction, feeSats);
        if ((long) transaction.weight() + COINBASE_WEIGHT_RESERVE > EmbeddedBlockValidator.MAX_BLOCK_WEIGHT) {
            throw new IllegalArgumentException("transaction " + transaction.txid() + " weighs " + transaction.weight()
                    + ", too much for a block");
        }
        synchronized (lock) {
            requireOpen();
            Hash256 txid = transaction.txid();
            if (mempool.containsKey(txid) || confirmedIn.containsKey(txid)) {
                return txid;
            }
            long height = tip().height + 1;
            if (!EmbeddedBlockValidator.isFinal(transaction, height, medianTimePast())) {
                throw new IllegalArgumentException("transaction " + txid + " with lock time " + transaction.lockTime()
                        + " is not final at height " + height);
            }
            Outpoint spent = conflict(transaction);
            if (spent != null) {
                throw new IllegalArgumentException("transaction " + txid + " spends " + spent + ", which mempool transaction "
                        + mempoolSpends.get(spent) + " already spends");
            }
            addToMempool(entry);
            publish(false);
            return txid;
        }
    }

    /**
     * A transaction's confirmations: its block's on the best chain, 0 while it waits in the mempool, −1 for
     * a transaction the chain does not know.
     */
    public int transactionConfirmations(Hash256 txid) {
        Objects.requireNonNull(txid, "txid");
        synchronized (lock) {
            ChainBlock block = confirmedIn.get(txid);
            if (block != null) {
                return confirmations(block);
            }
            return mempool.containsKey(txid) ? 0 : -1;
        }
    }

    private BlockVerdict process(String blockHex) {
        synchronized (lock) {
            if (closed) {
                return closedVerdict();
            }
            Block block;
            try {
                block = Block.fromHex(blockHex);
            } catch (IllegalArgumentException e) {
                return BlockVerdict.rejected("decode-failed: Block decode failed: " + e.getMessage());
            }
            BlockVerdict verdict = accept(block);
            if (verdict.isAccepted() && verdict.reason().isEmpty()) {
                LOG.info("embedded chain: block {} accepted at height {}", block.hash(), tip().height);
                newTip();
            } else if (!verdict.isAccepted()) {
                LOG.debug("embedded chain: block {} refused: {}", block.hash(), verdict.reason());
            }
            return verdict;
        }
    }

    /** Checks {@code block} as the tip's successor and connects it; guarded by lock. */
    private BlockVerdict accept(Block block) {
        Hash256 hash = block.hash();
        ChainBlock known = blocks.get(hash);
        if (known != null) {
            if (isOnBestChain(known)) {
                return new BlockVerdict(BlockVerdict.Status.ACCEPTED, "duplicate");
            }
            return reject("duplicate-inconclusive", "block " + hash + " at height " + known.height
                    + " is known but no longer on the best chain");
        }
        BlockHeader header = block.header();
        Optional<EmbeddedBlockValidator.Rejection> rejection =
                EmbeddedBlockValidator.checkProofOfWork(header, network);
        if (rejection.isPresent()) {
            return BlockVerdict.rejected(rejection.get().reason());
        }
        ChainBlock tip = tip();
        ChainBlock parent = blocks.get(header.prevHash());
        if (parent == null) {
            return reject("prev-blk-not-found", "the previous block " + header.prevHash() + " is unknown; the tip is "
                    + tip.hash + " at height " + tip.height);
        }
        if (parent != tip) {
            return reject("inconclusive", "the block builds on " + parent.hash + " at height " + parent.height
                    + ", not on the tip " + tip.hash + " at height " + tip.height
                    + ": a stale block (the embedded chain keeps no side branches)");
        }
        EmbeddedBlockValidator.Context context = new EmbeddedBlockValidator.Context(network, tip.height + 1, bits,
                medianTimePast(), nowSeconds());
        rejection = EmbeddedBlockValidator.checkHeaderInContext(header, context);
        if (rejection.isEmpty()) {
            rejection = EmbeddedBlockValidator.checkBlock(block, context, mempool::get);
        }
        if (rejection.isPresent()) {
            return BlockVerdict.rejected(rejection.get().reason());
        }
        connect(block);
        return BlockVerdict.accepted();
    }

    /** Makes a validated block the tip; guarded by lock. */
    private ChainBlock connect(Block block) {
        List<Transaction> txs = block.transactions();
        List<MempoolEntry> entries = new ArrayList<>(txs.size() - 1);
        for (int i = 1; i < txs.size(); i++) {
            MempoolEntry entry = mempool.remove(txs.get(i).txid());
            for (TxInput in : entry.transaction().inputs()) {
                mempoolSpends.remove(Outpoint.of(in));
            }
            entries.add(entry);
        }
        BlockHeader header = block.header();
        ChainBlock connected = new ChainBlock(block.hash(), tip().height + 1, header.time(), header, block, entries);
        blocks.put(connected.hash, connected);
        bestChain.add(connected);
        for (MempoolEntry entry : entries) {
            confirmedIn.put(entry.txid(), connected);
        }
        return connected;
    }

    /** Validates and connects a block the chain mined; a refusal is a bug. Guarded by lock. */
    private ChainBlock connectOwnBlock(Block block) {
        BlockVerdict verdict = accept(block);
        if (!verdict.isAccepted() || !verdict.reason().isEmpty()) {
            throw new IllegalStateException("the embedded chain refused a block it mined: " + verdict.reason());
        }
        return tip();
    }

    /** A block on the tip with the mempool's transactions, its nonce searched with SHA-256d. Guarded by lock. */
    private Block mine(String tag) {
        BlockTemplate next = buildTemplate();
        Coinbase coinbase = Coinbase.builder()
                .forTemplate(next)
                .poolTag(tag)
                .extranonceSize(0, 8)
                .output(ANYONE_CAN_SPEND, next.coinbaseValueSats())
                .build();
        byte[] extranonce1 = new byte[0];
        // A counter in the extranonce makes every block the chain mines distinct, also at a height it replaces.
        long count = ++minedCount;
        byte[] extranonce2 = new byte[8];
        for (int i = 0; i < 8; i++) {
            extranonce2[i] = (byte) (count >>> (8 * i));
        }
        BlockAssembler assembler = BlockAssembler.of(next, coinbase);
        BlockHeader header = assembler.header(next.version(), next.curTime(), 0, extranonce1, extranonce2);
        Target target = next.target();
        for (long nonce = 0; nonce < MAX_NONCE_TRIES; nonce++) {
            BlockHeader candidate = header.withNonce((int) nonce);
            if (target.isMetBy(Sha256d.hash(candidate.serialize()), 0)) {
                return Block.parse(assembler.assemble(candidate, extranonce1, extranonce2));
            }
        }
        throw new IllegalStateException("no nonce met target " + target + " in " + MAX_NONCE_TRIES + " tries");
    }

    private void requireMinable() {
        BigInteger targetPlusOne = Target.fromCompact(bits).toBigInteger().add(BigInteger.ONE);
        if (targetPlusOne.compareTo(TWO_POW_236) < 0) {
            throw new IllegalStateException("the chain mines its own blocks only at an easy target (at most "
                    + MAX_EXPECTED_HASHES_TO_MINE + " hashes a block on average); nBits "
                    + CompactBits.displayHex(bits) + " (difficulty " + Target.fromCompact(bits).difficulty()
                    + ") needs more: lower it with setDifficulty first");
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the embedded chain is closed");
        }
    }

    private void changeBits(int newBits) {
        synchronized (lock) {
            requireOpen();
            bits = newBits;
            LOG.info("embedded chain: nBits {} (difficulty {})", CompactBits.displayHex(newBits),
                    Target.fromCompact(newBits).difficulty());
            publish(true);
        }
    }

    private void refresh() {
        synchronized (lock) {
            if (closed || syntheticPerTip == 0) {
                return;
            }
            addSynthetic();
            publish(false);
        }
    }

    /** A new tip: fresh synthetic transactions and a clean template. Guarded by lock. */
    private void newTip() {
        addSynthetic();
        publish(true);
    }

    private void addSynthetic() {
        for (int i = 0; i < syntheticPerTip; i++) {
            addToMempool(synthetic.next());
        }
    }

    private void addToMempool(MempoolEntry entry) {
        mempool.put(entry.txid(), entry);
        for (TxInput in : entry.transaction().inputs()) {
            mempoolSpends.put(Outpoint.of(in), entry.txid());
        }
    }

    /** An outpoint {@code tx} spends that a mempool transaction already spends, or null. */
    private Outpoint conflict(Transaction tx) {
        for (TxInput in : tx.inputs()) {
            Outpoint outpoint = Outpoint.of(in);
            if (mempoolSpends.containsKey(outpoint)) {
                return outpoint;
            }
        }
        return null;
    }

    /** Rebuilds the template and hands it to the listener's executor. Guarded by lock. */
    private void publish(boolean cleanJobs) {
        template = buildTemplate();
        if (listener != null && !closed) {
            dispatch(template, cleanJobs);
        }
    }

    private void dispatch(BlockTemplate next, boolean cleanJobs) {
        TemplateListener target = listener;
        try {
            listenerExecutor.execute(() -> deliver(target, next, cleanJobs));
        } catch (RejectedExecutionException e) {
            LOG.warn("embedded chain: the listener executor refused a template for height {}", next.height());
        }
    }

    private void deliver(TemplateListener target, BlockTemplate next, boolean cleanJobs) {
        if (closed) {
            return;
        }
        try {
            target.onTemplate(next, cleanJobs);
        } catch (RuntimeException e) {
            LOG.warn("embedded chain: the template listener failed on height {}", next.height(), e);
        }
    }

    /** The template for the tip's successor; guarded by lock. */
    private BlockTemplate buildTemplate() {
        ChainBlock tip = tip();
        long height = tip.height + 1;
        long minTime = medianTimePast() + 1;
        long curTime = Math.max(nowSeconds(), minTime);
        List<TemplateTransaction> txs = new ArrayList<>();
        List<Hash256> wtxids = new ArrayList<>();
        long weight = COINBASE_WEIGHT_RESERVE;
        long sigOps = COINBASE_SIGOPS_RESERVE;
        long fees = 0;
        for (MempoolEntry entry : mempool.values()) {
            weight += entry.transaction().weight();
            sigOps += entry.sigOpCost();
            if (weight > EmbeddedBlockValidator.MAX_BLOCK_WEIGHT || sigOps > EmbeddedBlockValidator.MAX_BLOCK_SIGOPS_COST) {
                break; // stop rather than skip, so no transaction comes without the one it spends
            }
            txs.add(entry.toTemplateTransaction());
            wtxids.add(entry.transaction().wtxid());
            fees += entry.feeSats();
        }
        return BlockTemplate.builder()
                .version(version)
                .previousBlockHash(tip.hash)
                .transactions(txs)
                .coinbaseValueSats(network.subsidySats(height) + fees)
                .targetDisplayHex(Target.fromCompact(bits).displayHex())
                .bits(bits)
                .curTime(curTime)
                .minTime(minTime)
                .height(height)
                .witnessCommitmentScript(WitnessCommitment.scriptFor(wtxids))
                .longPollId(tip.hash.displayHex() + (++templateCount))
                .rules(RULES)
                .capabilities(CAPABILITIES)
                .mutable(MUTABLE)
                .build();
    }

    /** Bitcoin Core's GetMedianTimePast: the median of the last 11 block times up to the tip. Guarded by lock. */
    private long medianTimePast() {
        int count = Math.min(MEDIAN_TIME_SPAN, bestChain.size());
        long[] times = new long[count];
        for (int i = 0; i < count; i++) {
            times[i] = bestChain.get(bestChain.size() - 1 - i).time;
        }
        Arrays.sort(times);
        return times[count / 2];
    }

    private ChainBlock tip() {
        return bestChain.get(bestChain.size() - 1);
    }

    private boolean isOnBestChain(ChainBlock block) {
        long index = block.height - bestChain.get(0).height;
        return index >= 0 && index < bestChain.size() && bestChain.get((int) index) == block;
    }

    private int confirmations(ChainBlock block) {
        return (int) (tip().height - block.height + 1);
    }

    private long nowSeconds() {
        return clock.instant().getEpochSecond();
    }

    private static BlockVerdict reject(String code, String detail) {
        return BlockVerdict.rejected(code + ": " + detail);
    }

    private static BlockVerdict closedVerdict() {
        return BlockVerdict.unknown("the embedded chain is closed");
    }

    /** A block of the chain: the starting block has no header or body, only its hash, height and time. */
    private static final class ChainBlock {
        final Hash256 hash;
        final long height;
        final long time;
        final BlockHeader header;
        final Block block;
        final List<MempoolEntry> transactions;

        ChainBlock(Hash256 hash, long height, long time, BlockHeader header, Block block,
                   List<MempoolEntry> transactions) {
            this.hash = hash;
            this.height = height;
            this.time = time;
            this.header = header;
            this.block = block;
            this.transactions = List.copyOf(transactions);
        }
    }

    /** An output a transaction spends. */
    private record Outpoint(Hash256 txid, long index) {
        static Outpoint of(TxInput in) {
            return new Outpoint(in.previousTxid(), in.previousOutputIndex());
        }

        @Override
        public String toString() {
            return txid + ":" + index;
        }
    }

    /**
     * Settings for an {@link EmbeddedChain}. Defaults: regtest, starting on regtest's genesis block at height
     * 0, nBits at the network's limit ({@code 207fffff}), version {@code 0x20000000}, 4 synthetic
     * transactions per new tip, no timed refresh, the system clock, listener calls on the chain's own
     * thread. Not thread-safe: confine to one thread.
     */
    public static final class Builder {
        private Network network = Network.REGTEST;
        private Clock clock = Clock.systemUTC();
        private Hash256 startHash;
        private long startHeight;
        private long startTime;
        private Integer bits;
        private Double difficulty;
        private Double hashesPerSecond;
        private Duration blockInterval;
        private int version = DEFAULT_VERSION;
        private int syntheticTransactions = 4;
        private Duration refreshInterval = Duration.ZERO;
        private Executor listenerExecutor;
        private int initialBlocks;
        private long seed = 1;
        private final List<MempoolEntry> known = new ArrayList<>();

        private Builder() {}

        /** Consensus and address parameters: subsidy schedule, proof-of-work limit (default regtest). */
        public Builder network(Network network) {
            this.network = Objects.requireNonNull(network, "network");
            return this;
        }

        /** The clock for template times and the "too far in the future" rule. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Starts on a block the chain knows only by hash, height and time: the first template builds on it
         * at {@code parentHeight + 1}. The chain knows no earlier block, so {@code parentTimeSeconds} is also
         * its median time past: blocks must be later than it.
         */
        public Builder startingAt(Hash256 parentHash, long parentHeight, long parentTimeSeconds) {
            this.startHash = Objects.requireNonNull(parentHash, "parentHash");
            this.startHeight = parentHeight;
            this.startTime = parentTimeSeconds;
            return this;
        }

        /**
         * Continues the chain a node's template came from: starts on its previous block (at height − 1, with
         * median time past {@code mintime − 1}), with its nBits and version, and its transactions and fees in
         * the mempool, so the block the node would accept is accepted here. Add
         * {@code syntheticTransactions(0)} to keep the templates to the node's transactions.
         */
        public Builder fromTemplate(BlockTemplate template) {
            startingAt(template.previousBlockHash(), template.height() - 1, template.minTime() - 1);
            bits(template.bits());
            version(template.version());
            return knownTransactions(template.transactions());
        }

        /** Transactions the chain holds from the start, with their fees (e.g. a node's template's). */
        public Builder knownTransactions(List<TemplateTransaction> transactions) {
            for (TemplateTransaction tx : transactions) {
                Transaction parsed = tx.parse();
                if (parsed.isCoinbase()) {
                    throw new IllegalArgumentException("a known transaction cannot be a coinbase: " + parsed.txid());
                }
                known.add(new MempoolEntry(parsed, tx.feeSats(), tx.sigOps()));
            }
            return this;
        }

        /** The nBits blocks must carry (replaces {@link #difficulty} and {@link #retarget}). */
        public Builder bits(int bits) {
            this.bits = bits;
            this.difficulty = null;
            this.hashesPerSecond = null;
            return this;
        }

        /** The difficulty (1 is nBits {@code 1d00ffff}), clamped to the network's limit. */
        public Builder difficulty(double difficulty) {
            this.difficulty = difficulty;
            this.bits = null;
            this.hashesPerSecond = null;
            return this;
        }

        /** The difficulty at which {@code hashesPerSecond} finds a block every {@code blockInterval}: see {@link EmbeddedChain#bitsFor}. */
        public Builder retarget(double hashesPerSecond, Duration blockInterval) {
            this.hashesPerSecond = hashesPerSecond;
            this.blockInterval = blockInterval;
            this.bits = null;
            this.difficulty = null;
            return this;
        }

        /** The version templates propose (default {@code 0x20000000}). */
        public Builder version(int version) {
            this.version = version;
            return this;
        }

        /** Synthetic transactions added to the mempool on each new tip and each refresh (default 4). */
        public Builder syntheticTransactions(int count) {
            this.syntheticTransactions = count;
            return this;
        }

        /** How often a non-clean template with new synthetic transactions follows; zero (default) for never. */
        public Builder refreshInterval(Duration interval) {
            this.refreshInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * Where listener calls run (default: the chain's own thread). They run one at a time in order even
         * on a pool of threads. Not an executor that runs tasks on the calling thread: the listener would
         * then be called under the chain's lock. The chain does not shut it down.
         */
        public Builder listenerExecutor(Executor executor) {
            this.listenerExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** Blocks the chain mines on its starting block before anything else (default 0). */
        public Builder initialBlocks(int count) {
            this.initialBlocks = count;
            return this;
        }

        /** Seed of the synthetic transactions (default 1): the same seed makes the same transactions. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Validates and builds; a failure's message names the bad value. */
        public EmbeddedChain build() {
            if (startHash == null && network != Network.REGTEST) {
                throw new IllegalArgumentException("only regtest has a built-in starting block; call startingAt(...) for "
                        + network.chainName());
            }
            if (startHash != null) {
                if (startHeight < 0) {
                    throw new IllegalArgumentException("starting height must be >= 0: " + startHeight);
                }
                if (startTime < 0 || startTime > 0xffff_ffffL) {
                    throw new IllegalArgumentException("starting time must fit in 32 unsigned bits: " + startTime);
                }
            }
            int resolved = resolveBits();
            if (syntheticTransactions < 0 || syntheticTransactions > 1_000) {
                throw new IllegalArgumentException("synthetic transactions per template must be 0..1000: "
                        + syntheticTransactions);
            }
            if (refreshInterval.isNegative()) {
                throw new IllegalArgumentException("refresh interval must be >= 0: " + refreshInterval);
            }
            if (initialBlocks < 0) {
                throw new IllegalArgumentException("initial blocks must be >= 0: " + initialBlocks);
            }
            if (initialBlocks > 0 && Target.fromCompact(resolved).toBigInteger().add(BigInteger.ONE)
                    .compareTo(TWO_POW_236) < 0) {
                throw new IllegalArgumentException("initial blocks are mined by the chain, which needs an easy target;"
                        + " nBits " + CompactBits.displayHex(resolved) + " is too hard");
            }
            return new EmbeddedChain(this, resolved);
        }

        private int resolveBits() {
            if (difficulty != null) {
                return bitsForDifficulty(network, difficulty);
            }
            if (hashesPerSecond != null) {
                return bitsFor(network, hashesPerSecond, blockInterval);
            }
            if (bits == null) {
                return network.powLimitBits();
            }
            Target target;
            try {
                target = Target.fromCompact(bits);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("nBits " + CompactBits.displayHex(bits) + " is not a valid target", e);
            }
            if (target.equals(Target.ZERO) || target.compareTo(Target.fromCompact(network.powLimitBits())) > 0) {
                throw new IllegalArgumentException("nBits " + CompactBits.displayHex(bits) + " must encode a target in (0, "
                        + network.chainName() + "'s limit " + CompactBits.displayHex(network.powLimitBits()) + "]");
            }
            return bits;
        }
    }
}
