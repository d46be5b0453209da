package io.poolkit.accounting.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalWalletTest {
    @TempDir
    Path dir;

    @Test
    void sendsAndFindsPaymentsByKey() {
        LocalWallet wallet = LocalWallet.inMemory(1_000);
        String txid = wallet.sendMany(Map.of("a", 100L, "b", 200L), "key-1");
        assertEquals(64, txid.length());
        assertEquals(Optional.of(txid), wallet.findPayment("key-1"));
        assertEquals(Optional.empty(), wallet.findPayment("key-2"));
        assertEquals(700, wallet.spendableSats());
    }

    @Test
    void doesNotDeduplicateLikeARealWallet() {
        LocalWallet wallet = LocalWallet.inMemory(1_000);
        String first = wallet.sendMany(Map.of("a", 100L), "key-1");
        String second = wallet.sendMany(Map.of("a", 100L), "key-1");
        assertNotEquals(first, second);
        assertEquals(2, wallet.transactions().size());
    }

    @Test
    void refusesWhatItCannotSend() {
        LocalWallet wallet = LocalWallet.inMemory(100);
        assertTrue(assertThrows(WalletException.class, () -> wallet.sendMany(Map.of("a", 101L), "k")).rejected());
        assertTrue(assertThrows(WalletException.class, () -> wallet.sendMany(Map.of("a b", 1L), "k")).rejected());
        assertTrue(assertThrows(WalletException.class, () -> wallet.sendMany(Map.of("a", 0L), "k")).rejected());
        assertEquals(100, wallet.spendableSats());
    }

    @Test
    void journalBringsTheWalletBackAfterARestartAndIgnoresATornLastLine() throws Exception {
        Path journal = dir.resolve("wallet.journal");
        LocalWallet wallet = LocalWallet.journaled(journal, 1_000);
        String txid = wallet.sendMany(Map.of("a", 100L), "key-1");
        wallet.deposit(50);
        Files.writeString(journal, "send deadbeef key-2 a=1", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        LocalWallet again = LocalWallet.journaled(journal, 1_000);
        assertEquals(Optional.of(txid), again.findPayment("key-1"));
        assertEquals(Optional.empty(), again.findPayment("key-2"));
        assertEquals(950, again.spendableSats());
    }
}
