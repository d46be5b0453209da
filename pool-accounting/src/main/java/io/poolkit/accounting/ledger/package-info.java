/**
 * The pool's books: {@link io.poolkit.accounting.ledger.Ledger} and its JDBC implementation
 * {@link io.poolkit.accounting.ledger.JdbcLedger} (SQLite embedded or PostgreSQL, one versioned schema), which
 * is also the durable, group-committing {@link io.poolkit.core.share.ShareSink}.
 */
package io.poolkit.accounting.ledger;
