package io.poolkit.accounting.ledger;

/**
 * Share counts for statistics (hashrate estimates): how many shares and their summed difficulty.
 *
 * @param count         number of shares
 * @param difficultySum sum of their credited difficulty (a {@code double}: for display, never for money)
 */
public record ShareStats(long count, double difficultySum) {
}
