/**
 * Payments that cannot be sent twice: {@link io.poolkit.accounting.payment.PaymentProcessor} records each
 * batch with an idempotency key before the {@link io.poolkit.accounting.payment.Wallet} sends it, and
 * reconciles pending batches against the wallet after a crash.
 */
package io.poolkit.accounting.payment;
