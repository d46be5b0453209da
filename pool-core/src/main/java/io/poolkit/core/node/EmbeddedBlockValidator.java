package io.poolkit.core.node;

import io.poolkit.core.chain.Block;
import io.poolkit.core.chain.BlockHeader;
import io.poolkit.core.chain.CompactBits;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Hex;
import io.poolkit.core.chain.Network;
import io.poolkit.core.chain.Target;
import io.poolkit.core.chain.Transaction;
import io.poolkit.core.chain.TxInput;
import io.poolkit.core.chain.TxOutput;
import io.poolkit.core.chain.VarInt;
import io.poolkit.core.hash.Sha256d;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * The embedded chain's block rules: Bitcoin Core's checks of a block that extends the tip, in Core's
 * order, each refusal carrying Core's reject string ({@code high-hash}, {@code bad-txnmrklroot}, ...) and a
 * sentence saying what was wrong. Stateless; thread-safe.
 *
 * <p>Three steps, as Core takes them: {@link #checkProofOfWork} (the header alone, {@code CheckBlockHeader}),
 * {@link #checkHeaderInContext} (nBits, time and version against the parent,
 * {@code ContextualCheckBlockHeader}), then {@link #checkBlock} ({@code CheckBlock},
 * {@code ContextualCheckBlock} and what {@code ConnectBlock} checks of amounts). The chain checks the
 * parent in between.
 *
 * <p>What is not checked, for want of a UTXO set: scripts and signatures, and the inputs of transactions.
 * In their place every non-coinbase transaction must be one the chain holds (its mempool), whose fee its
 * maker stated; an unknown one is refused as Core refuses a spend of missing outputs.
 */
final class EmbeddedBlockValidator {
    /** Core's MAX_FUTURE_BLOCK_TIME: a block may be at most two hours ahead of the chain's clock. */
    static final long MAX_FUTURE_BLOCK_SECONDS = 2 * 60 * 60;
    static final int MAX_BLOCK_WEIGHT = 4_000_000;
    static final int MAX_BLOCK_SIGOPS_COST = 80_000;
    /** BIP34, BIP66 and BIP65 are active from height 1 on regtest, so versions below 4 are refused. */
    static final int MIN_BLOCK_VERSION = 4;
    static final long LOCKTIME_THRESHOLD = 500_000_000L;
    static final long SEQUENCE_FINAL = 0xffff_ffffL;
    static final int MIN_COINBASE_SCRIPT_SIG = 2;
    static final int MAX_COINBASE_SCRIPT_SIG = 100;

    /**
     * Why a block was refused.
     *
     * @param code   Bitcoin Core's reject string, e.g. {@code bad-cb-amount}
     * @param detail what was wrong with this block, naming the values
     */
    record Rejection(String code, String detail) {
        Rejection {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(detail, "detail");
        }

        /** {@code code: detail}: the reason a {@code BlockVerdict} carries. */
        String reason() {
            return code + ": " + detail;
        }
    }

    /**
     * What a block extending the tip must fit.
     *
     * @param network         consensus parameters (proof-of-work limit, subsidy)
     * @param height          the height the block would have
     * @param expectedBits    the nBits the chain requires at that height
     * @param medianTimePast  the median time of the last 11 blocks up to the parent (Unix seconds)
     * @param nowSeconds      the chain's clock
     */
    record Context(Network network, long height, int expectedBits, long medianTimePast, long nowSeconds) {
        Context {
            Objects.requireNonNull(network, "network");
        }
    }

    private EmbeddedBlockValidator() {}

    /** Core's {@code CheckProofOfWork}: nBits a valid target within the network's limit, and the hash at or below it. */
    static Optional<Rejection> checkProofOfWork(BlockHeader header, Network network) {
        int bits = header.bits();
        Target target;
        try {
            target = Target.fromCompact(bits);
        } catch (IllegalArgumentException e) {
            return reject("high-hash", "nBits " + CompactBits.displayHex(bits) + " is not a valid target ("
                    + e.getMessage() + ")");
        }
        Target limit = Target.fromCompact(network.powLimitBits());
        if (target.equals(Target.ZERO) || target.compareTo(limit) > 0) {
            return reject("high-hash", "nBits " + CompactBits.displayHex(bits) + " encode target " + target
                    + ", outside (0, " + limit + "], the " + network.chainName() + " proof-of-work limit");
        }
        byte[] hash = Sha256d.hash(header.serialize());
        if (!target.isMetBy(hash, 0)) {
            return reject("high-hash", "block hash " + Hash256.fromInternalBytes(hash) + " is above the target "
                    + target + " of its nBits " + CompactBits.displayHex(bits));
        }
        return Optional.empty();
    }

    /** Core's {@code ContextualCheckBlockHeader}: difficulty, time and version against the chain. */
    static Optional<Rejection> checkHeaderInContext(BlockHeader header, Context context) {
        if (header.bits() != context.expectedBits()) {
            return reject("bad-diffbits", "nBits " + CompactBits.displayHex(header.bits()) + ", but the chain requires "
                    + CompactBits.displayHex(context.expectedBits()) + " at height " + context.height());
        }
        if (header.time() <= context.medianTimePast()) {
            return reject("time-too-old", "block time " + header.time() + " is not after the median time past "
                    + context.medianTimePast() + " (the earliest allowed is " + (context.medianTimePast() + 1) + ")");
        }
        if (header.time() > context.nowSeconds() + MAX_FUTURE_BLOCK_SECONDS) {
            return reject("time-too-new", "block time " + header.time() + " is more than "
                    + MAX_FUTURE_BLOCK_SECONDS + " s after the chain's clock " + context.nowSeconds());
        }
        if (header.version() < MIN_BLOCK_VERSION) {
            return reject(String.format("bad-version(0x%08x)", header.version()), "block version "
                    + header.version() + " is below " + MIN_BLOCK_VERSION + " (BIP34, BIP66 and BIP65 are active)");
        }
        return Optional.empty();
    }

    /**
     * The block's body: structure, merkle root, transactions, BIP34 height, witness commitment, weight,
     * known transactions and the coinbase's value against subsidy plus the fees of {@code mempool}'s
     * entries ({@code mempool} answers null for a transaction the chain does not hold).
     */
    static Optional<Rejection> checkBlock(Block block, Context context, Function<Hash256, MempoolEntry> mempool) {
        Optional<Rejection> rejection = checkStructure(block);
        if (rejection.isEmpty()) {
            rejection = checkContextual(block, context);
        }
        if (rejection.isEmpty()) {
            rejection = checkConnect(block, context, mempool);
        }
        return rejection;
    }

    /** Core's {@code CheckBlock} after the header. */
    private static Optional<Rejection> checkStructure(Block block) {
        List<Transaction> txs = block.transactions();
        Hash256 computed = block.computeMerkleRoot();
        if (!computed.equals(block.header().merkleRoot())) {
            return reject("bad-txnmrklroot", "the header's merkle root " + block.header().merkleRoot()
                    + " is not the root " + computed + " of the block's " + txs.size() + " transactions");
        }
        Set<Hash256> txids = new HashSet<>();
        for (Transaction tx : txs) {
            if (!txids.add(tx.txid())) {
                return reject("bad-txns-duplicate", "transaction " + tx.txid() + " appears twice");
            }
        }
        long stripped = BlockHeader.SIZE + VarInt.size(txs.size());
        for (Transaction tx : txs) {
            stripped += tx.strippedSize();
        }
        if ((long) txs.size() * LegacySigOps.WITNESS_SCALE_FACTOR > MAX_BLOCK_WEIGHT
                || stripped * LegacySigOps.WITNESS_SCALE_FACTOR > MAX_BLOCK_WEIGHT) {
            return reject("bad-blk-length", txs.size() + " transactions, " + stripped
                    + " bytes without witness data: over the " + MAX_BLOCK_WEIGHT + " weight limit");
        }
        if (!txs.get(0).isCoinbase()) {
            return reject("bad-cb-missing", "the first transaction " + txs.get(0).txid() + " is not a coinbase");
        }
        for (int i = 1; i < txs.size(); i++) {
            if (txs.get(i).isCoinbase()) {
                return reject("bad-cb-multiple", "transaction " + i + " (" + txs.get(i).txid()
                        + ") is a second coinbase");
            }
        }
        for (Transaction tx : txs) {
            Optional<Rejection> rejection = checkTransaction(tx);
            if (rejection.isPresent()) {
                return rejection;
            }
        }
        long sigOpCost = 0;
        for (Transaction tx : txs) {
            sigOpCost += LegacySigOps.cost(tx);
        }
        if (sigOpCost > MAX_BLOCK_SIGOPS_COST) {
            return reject("bad-blk-sigops", "legacy sigop cost " + sigOpCost + " exceeds " + MAX_BLOCK_SIGOPS_COST);
        }
        return Optional.empty();
    }

    /** Core's {@code CheckTransaction}: context-free rules of one transaction. */
    private static Optional<Rejection> checkTransaction(Transaction tx) {
        if (tx.outputs().isEmpty()) {
            return reject("bad-txns-vout-empty", "transaction " + tx.txid() + " has no outputs");
        }
        if ((long) tx.strippedSize() * LegacySigOps.WITNESS_SCALE_FACTOR > MAX_BLOCK_WEIGHT) {
            return reject("bad-txns-oversize", "transaction " + tx.txid() + " is " + tx.strippedSize()
                    + " bytes without witness data");
        }
        long total = 0;
        for (int i = 0; i < tx.outputs().size(); i++) {
            long value = tx.outputs().get(i).valueSats();
            if (value < 0) {
                return reject("bad-txns-vout-negative", "output " + i + " of " + tx.txid() + " is worth " + value
                        + " sats");
            }
            if (value > TxOutput.MAX_MONEY_SATS) {
                return reject("bad-txns-vout-toolarge", "output " + i + " of " + tx.txid() + " is worth " + value
                        + " sats, more than 21 million BTC");
            }
            total += value;
            if (total > TxOutput.MAX_MONEY_SATS) {
                return reject("bad-txns-txouttotal-toolarge", "the outputs of " + tx.txid()
                        + " add up to more than 21 million BTC");
            }
        }
        Set<String> outpoints = new HashSet<>();
        for (TxInput in : tx.inputs()) {
            if (!outpoints.add(in.previousTxid().internalHex() + ":" + in.previousOutputIndex())) {
                return reject("bad-txns-inputs-duplicate", "transaction " + tx.txid() + " spends "
                        + in.previousTxid() + ":" + in.previousOutputIndex() + " twice");
            }
        }
        if (tx.isCoinbase()) {
            int length = tx.inputs().get(0).scriptSig().length;
            if (length < MIN_COINBASE_SCRIPT_SIG || length > MAX_COINBASE_SCRIPT_SIG) {
                return reject("bad-cb-length", "the coinbase scriptSig is " + length + " bytes; consensus allows "
                        + MIN_COINBASE_SCRIPT_SIG + ".." + MAX_COINBASE_SCRIPT_SIG);
            }
        } else {
            for (TxInput in : tx.inputs()) {
                if (in.previousTxid().equals(Hash256.ZERO) && in.previousOutputIndex() == TxInput.COINBASE_INDEX) {
                    return reject("bad-txns-prevout-null", "transaction " + tx.txid()
                            + " has a coinbase input but is not the first transaction");
                }
            }
        }
        return Optional.empty();
    }

    /** Core's {@code ContextualCheckBlock}: finality, BIP34 height, witness commitment, weight. */
    private static Optional<Rejection> checkContextual(Block block, Context context) {
        for (Transaction tx : block.transactions()) {
            if (!isFinal(tx, context.height(), context.medianTimePast())) {
                return reject("bad-txns-nonfinal", "transaction " + tx.txid() + " has lock time " + tx.lockTime()
                        + ", not final at height " + context.height() + " and median time past "
                        + context.medianTimePast());
            }
        }
        Transaction coinbase = block.coinbase();
        OptionalLong height = coinbase.bip34Height();
        if (height.isEmpty() || height.getAsLong() != context.height()) {
            return reject("bad-cb-height", "the coinbase scriptSig " + coinbase.inputs().get(0).scriptSigHex()
                    + " must start with the height " + context.height() + (height.isEmpty() ? ""
                    : " but commits to " + height.getAsLong()));
        }
        Optional<Hash256> committed = coinbase.witnessCommitment();
        if (committed.isPresent()) {
            TxInput input = coinbase.inputs().get(0);
            if (input.witnessSize() != 1 || input.witnessItem(0).length != 32) {
                return reject("bad-witness-nonce-size", "the coinbase's witness must be one 32-byte reserved value; it has "
                        + input.witnessSize() + " item(s)");
            }
            Hash256 computed = block.computeWitnessCommitment().orElseThrow();
            if (!computed.equals(committed.get())) {
                return reject("bad-witness-merkle-match", "the coinbase commits to " + committed.get().internalHex()
                        + ", but the wtxids with reserved value " + Hex.encode(input.witnessItem(0)) + " give "
                        + computed.internalHex());
            }
        } else {
            for (Transaction tx : block.transactions()) {
                if (tx.hasWitness()) {
                    return reject("unexpected-witness", "transaction " + tx.txid()
                            + " has witness data but the coinbase has no witness commitment");
                }
            }
        }
        int weight = block.weight();
        if (weight > MAX_BLOCK_WEIGHT) {
            return reject("bad-blk-weight", "block weight " + weight + " exceeds " + MAX_BLOCK_WEIGHT);
        }
        return Optional.empty();
    }

    /**
     * What {@code ConnectBlock} would find: each transaction one the chain holds, spending nothing twice nor
     * anything later in the block, and a coinbase claiming no more than subsidy plus fees.
     */
    private static Optional<Rejection> checkConnect(Block block, Context context,
                                                    Function<Hash256, MempoolEntry> mempool) {
        List<Transaction> txs = block.transactions();
        Map<Hash256, Integer> position = new HashMap<>();
        for (int i = 0; i < txs.size(); i++) {
            position.put(txs.get(i).txid(), i);
        }
        Set<String> spent = new HashSet<>();
        long fees = 0;
        for (int i = 1; i < txs.size(); i++) {
            Transaction tx = txs.get(i);
            MempoolEntry known = mempool.apply(tx.txid());
            if (known == null) {
                return reject("bad-txns-inputs-missingorspent", "transaction " + i + " (" + tx.txid()
                        + ") is unknown to the embedded chain, which holds no UTXO set and accepts only the"
                        + " transactions of its own templates and submitTransaction");
            }
            if (!known.transaction().wtxid().equals(tx.wtxid())) {
                return reject("mandatory-script-verify-flag-failed", "transaction " + i + " (" + tx.txid()
                        + ") carries witness data other than the chain's copy (wtxid " + tx.wtxid() + ", expected "
                        + known.transaction().wtxid() + ")");
            }
            for (TxInput in : tx.inputs()) {
                Integer from = position.get(in.previousTxid());
                boolean spendsLater = from != null && from >= i;
                if (spendsLater || !spent.add(in.previousTxid().internalHex() + ":" + in.previousOutputIndex())) {
                    return reject("bad-txns-inputs-missingorspent", "transaction " + i + " (" + tx.txid()
                            + ") spends " + in.previousTxid() + ":" + in.previousOutputIndex()
                            + (spendsLater ? ", an output of a transaction that comes later in the block"
                            : ", which an earlier transaction in the block spends"));
                }
            }
            fees += known.feeSats();
        }
        long subsidy = context.network().subsidySats(context.height());
        long claimed = block.coinbase().totalOutputSats();
        if (claimed > subsidy + fees) {
            return reject("bad-cb-amount", "the coinbase pays " + claimed + " sats, more than subsidy " + subsidy
                    + " plus fees " + fees + " = " + (subsidy + fees) + " sats at height " + context.height());
        }
        return Optional.empty();
    }

    /** Core's {@code IsFinalTx} with BIP113's lock-time cutoff (median time past). */
    static boolean isFinal(Transaction tx, long height, long medianTimePast) {
        long lockTime = tx.lockTime();
        if (lockTime == 0) {
            return true;
        }
        long cutoff = lockTime < LOCKTIME_THRESHOLD ? height : medianTimePast;
        if (lockTime < cutoff) {
            return true;
        }
        for (TxInput in : tx.inputs()) {
            if (in.sequence() != SEQUENCE_FINAL) {
                return false;
            }
        }
        return true;
    }

    private static Optional<Rejection> reject(String code, String detail) {
        return Optional.of(new Rejection(code, detail));
    }
}
