package io.poolkit.accounting.payment;

import io.poolkit.accounting.ledger.JdbcLedger;
import io.poolkit.accounting.scheme.PropScheme;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The payment crash test's child: runs the PaymentProcessor against a journaled LocalWallet and stops dead
 * (waiting to be killed) either right after the wallet sent the first batch, before the ledger records it
 * ({@code after-send}), or right before sending ({@code before-send}).
 * Arguments: database file, wallet journal, mode.
 */
public final class PayerMain {
    private PayerMain() {}

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        LocalWallet inner = LocalWallet.journaled(Path.of(args[1]), 1_000_000_000_000L);
        boolean afterSend = args[2].equals("after-send");
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        Wallet halting = new Wallet() {
            @Override
            public String sendMany(Map<String, Long> satsByAddress, String idempotencyKey) {
                if (!afterSend) {
                    out.println("sending " + idempotencyKey);
                    sleepForever();
                }
                String txid = inner.sendMany(satsByAddress, idempotencyKey);
                out.println("sent " + idempotencyKey);
                sleepForever();
                return txid;
            }

            @Override
            public Optional<String> findPayment(String idempotencyKey) {
                return inner.findPayment(idempotencyKey);
            }
        };
        JdbcLedger ledger = JdbcLedger.builder().sqlite(db).scheme(PropScheme.withFee(0)).build();
        PaymentProcessor.builder(ledger, halting).thresholdSats(1_000).maxOutputs(2).build().runOnce();
        out.println("finished without halting");
    }

    private static void sleepForever() {
        try {
            Thread.sleep(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
