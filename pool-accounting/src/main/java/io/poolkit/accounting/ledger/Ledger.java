package io.poolkit.accounting.ledger;

import io.poolkit.accounting.payment.PaymentRecord;
import io.poolkit.core.chain.Hash256;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pool's books: shares, found blocks, block credits, balances and payments, keyed by account.
 *
 * <p>Shares and found blocks come in through the implementation's {@link io.poolkit.core.share.ShareSink};
 * maturity ({@link #confirmBlock}, {@link #orphanBlock}) and payments change balances, each change one atomic
 * transaction. Read methods are for the HTTP API and reports; they block on the database, so call them off
 * any event loop. Implementations are thread-safe.
 *
 * <pre>{@code
 * long payable = ledger.balance("bc1qminer");
 * long waiting = ledger.immature("bc1qminer");
 * List<BlockRecord> recent = ledger.blocks(20);
 * }</pre>
 */
public interface Ledger extends AutoCloseable {

    /** The account's mature, unpaid balance in satoshis (0 when unknown). */
    long balance(String account);

    /** Every account's non-zero balance, by account. */
    Map<String, Long> balances();

    /** The account's credits from blocks that are not mature yet, in satoshis. */
    long immature(String account);

    /** The account's block credits, newest first, at most {@code limit}. */
    List<CreditRecord> credits(String account, int limit);

    /** The account's total earned from per-share schemes (PPS, FPPS), in satoshis. */
    long perShareEarned(String account);

    /** Every credit line of one block (miners, fee, residual). */
    List<CreditRecord> creditsOfBlock(Hash256 block);

    /** One block, if the ledger has it. */
    Optional<BlockRecord> block(Hash256 hash);

    /** The newest blocks, newest first, at most {@code limit}. */
    List<BlockRecord> blocks(int limit);

    /** The blocks with {@code status}, oldest first. */
    List<BlockRecord> blocks(BlockStatus status);

    /** The account's payments, newest first, at most {@code limit}. */
    List<PaymentRecord> payments(String account, int limit);

    /** All payments, newest first, at most {@code limit}. */
    List<PaymentRecord> payments(int limit);

    /** The pool's shares accepted at or after {@code since}. */
    ShareStats poolShares(Instant since);

    /** The account's shares accepted at or after {@code since}. */
    ShareStats accountShares(String account, Instant since);

    /**
     * A pending block reached maturity: in one transaction it becomes confirmed and its immature credits move
     * to the balances. Returns false, changing nothing, when the block is not pending (already done, orphaned,
     * or unknown).
     */
    boolean confirmBlock(Hash256 hash, int confirmations, Instant now);

    /**
     * A pending block left the best chain: in one transaction it becomes orphaned and its immature credits
     * void. Per-share (PPS) credits are not touched. Returns false, changing nothing, when it is not pending.
     */
    boolean orphanBlock(Hash256 hash, Instant now);

    /** Records the confirmations last seen for a pending block (display only). */
    void recordConfirmations(Hash256 hash, int confirmations, Instant now);

    /** Stops taking shares, commits what is queued, and releases the database. */
    @Override
    void close();
}
