package io.poolkit.accounting.payment;

import static io.poolkit.accounting.testing.TestShares.block;
import static io.poolkit.accounting.testing.TestShares.hash;
import static io.poolkit.accounting.testing.TestShares.share;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.accounting.ledger.JdbcLedger;
import io.poolkit.accounting.scheme.PropScheme;
import io.poolkit.core.chain.Address;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Network;
import io.poolkit.core.chain.TemplateTransaction;
import io.poolkit.core.chain.Transaction;
import io.poolkit.core.chain.TxOutput;
import io.poolkit.core.node.EmbeddedChain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedChainWalletTest {
    // Regtest addresses of a real Bitcoin Core wallet (shared/vectors/bitcoind-regtest/wallet-*.json).
    private static final String TAPROOT = "bcrt1p59e6crpusd5dmnwaht950x25zpncyu67qefmkekz0xwzv3mx7flsurgqu2";
    private static final String LEGACY = "mnRm6XHsyHepHJhrV3S4JyVp4nUCzEV7uv";
    private static final String P2SH = "2NCHtcSYZHAwSiZVx3cnKEDwNRr96oprVki";
    private static final String KEY = "poolkit-pay-0d1b6f3c-4e44-4c1e-9a51-2f1f0e6f7a10";

    @TempDir
    Path dir;

    private final EmbeddedChain chain = EmbeddedChain.builder().syntheticTransactions(0).build();

    @AfterEach
    void closeChain() {
        chain.close();
    }

    private static Map<String, Long> outputs() {
        Map<String, Long> outputs = new LinkedHashMap<>();
        outputs.put(TAPROOT, 12_500_000L);
        outputs.put(LEGACY, 50_000_000L);
        outputs.put(P2SH, 75_000_000L);
        return outputs;
    }

    private Transaction inMempool(String txid) {
        List<TemplateTransaction> txs = chain.currentTemplate().transactions();
        return txs.stream().filter(t -> t.txid().displayHex().equals(txid)).findFirst().orElseThrow().parse();
    }

    @Test
    void paysEachAddressItsAmountAndCarriesTheKeyInAnOpReturn() throws Exception {
        EmbeddedChainWallet wallet = EmbeddedChainWallet.builder(chain).build();

        String txid = wallet.sendMany(outputs(), KEY);

        Transaction tx = inMempool(txid);
        List<TxOutput> paid = tx.outputs();
        assertEquals(4, paid.size());
        int i = 0;
        for (Map.Entry<String, Long> e : outputs().entrySet()) {
            assertArrayEquals(Address.parse(e.getKey(), Network.REGTEST).outputScript(), paid.get(i).script());
            assertEquals(e.getValue(), paid.get(i).valueSats());
            i++;
        }
        byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
        byte[] opReturn = paid.get(3).script();
        assertEquals(0x6a, opReturn[0] & 0xff);
        assertEquals(key.length, opReturn[1]);
        assertArrayEquals(key, Arrays.copyOfRange(opReturn, 2, opReturn.length));
        assertEquals(0, paid.get(3).valueSats());
        assertEquals(12_500_000L + 50_000_000L + 75_000_000L, tx.totalOutputSats());
        // The stated fee (2 sat/vB) is in the template's fee total.
        long vsize = (tx.weight() + 3) / 4;
        assertEquals(2 * vsize, chain.currentTemplate().totalFeesSats());
    }

    @Test
    void aPaymentIsConfirmedByTheNextBlock() {
        EmbeddedChainWallet wallet = EmbeddedChainWallet.builder(chain).build();
        Hash256 txid = Hash256.fromDisplayHex(wallet.sendMany(outputs(), KEY));
        assertEquals(0, chain.transactionConfirmations(txid));

        chain.mineBlocks(1);
        assertEquals(1, chain.transactionConfirmations(txid));
        chain.mineBlocks(2);
        assertEquals(3, chain.transactionConfirmations(txid));
    }

    @Test
    void findsAPaymentAgainByItsKey() {
        EmbeddedChainWallet wallet = EmbeddedChainWallet.builder(chain).build();
        String txid = wallet.sendMany(outputs(), KEY);

        assertEquals(Optional.of(txid), wallet.findPayment(KEY));
        assertEquals(Optional.empty(), wallet.findPayment("poolkit-pay-never-sent"));
    }

    @Test
    void doesNotDeduplicateLikeARealWalletAndNamesTheFirstPayment() {
        EmbeddedChainWallet wallet = EmbeddedChainWallet.builder(chain).build();
        String first = wallet.sendMany(outputs(), KEY);
        String second = wallet.sendMany(outputs(), KEY);

        assertNotEquals(first, second);
        assertEquals(Optional.of(first), wallet.findPayment(KEY));
        assertEquals(2, wallet.paymentsSent());
    }

    @Test
    void aJournaledWalletRemembersItsPaymentsAfterARestart() throws Exception {
        Path journal = dir.resolve("wallet.journal");
        String txid = EmbeddedChainWallet.builder(chain).journal(journal).build().sendMany(outputs(), KEY);
        // A crash while writing the next line leaves it without its end mark.
        Files.writeString(journal, "send 6b6579 00ab", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        EmbeddedChainWallet again = EmbeddedChainWallet.builder(chain).journal(journal).build();

        assertEquals(Optional.of(txid), again.findPayment(KEY));
        assertEquals(Optional.empty(), again.findPayment("key"));
        assertEquals(1, again.paymentsSent());
    }

    @Test
    void aCorruptLineBeforeTheLastStopsTheWalletFromOpening() throws Exception {
        Path journal = dir.resolve("wallet.journal");
        EmbeddedChainWallet.builder(chain).journal(journal).build().sendMany(outputs(), KEY);
        Files.writeString(journal, "garbage ;\n" + Files.readString(journal), StandardCharsets.UTF_8);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EmbeddedChainWallet.builder(chain).journal(journal).build());
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void refusesAnAddressOfAnotherNetworkNamingIt() {
        EmbeddedChainWallet wallet = EmbeddedChainWallet.builder(chain).build();
        // A mainnet address (Bitcoin Core's key_io_valid vectors) on the regtest chain.
        String mainnet = "bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv";

        WalletException e = assertThrows(WalletException.class,
                () -> wallet.sendMany(Map.of(mainnet, 1_000L), KEY));

        assertTrue(e.rejected());
        assertTrue(e.getMessage().contains(mainnet), e.getMessage());
        assertTrue(chain.currentTemplate().transactions().isEmpty());
    }

    @Test
    void refusesAmountsThatAreNotPositive() {
        EmbeddedChainWallet wallet = EmbeddedChainWallet.builder(chain).build();

        WalletException e = assertThrows(WalletException.class, () -> wallet.sendMany(Map.of(LEGACY, 0L), KEY));

        assertTrue(e.rejected());
        assertTrue(e.getMessage().contains(LEGACY) && e.getMessage().contains("got 0"), e.getMessage());
    }

    @Test
    void aClosedChainIsARefusal() {
        EmbeddedChainWallet wallet = EmbeddedChainWallet.builder(chain).build();
        chain.close();

        assertTrue(assertThrows(WalletException.class, () -> wallet.sendMany(outputs(), KEY)).rejected());
    }

    @Test
    void aKeyTooLongForAnOpReturnIsABug() {
        EmbeddedChainWallet wallet = EmbeddedChainWallet.builder(chain).build();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> wallet.sendMany(outputs(), "k".repeat(81)));
        assertTrue(e.getMessage().contains("80"), e.getMessage());
    }

    @Test
    void paymentProcessorPaysMaturedBalancesThroughTheChain() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        try (JdbcLedger ledger = JdbcLedger.builder().sqlite(dir.resolve("ledger.db"))
                .scheme(PropScheme.withFee(0)).build()) {
            ledger.accept(share(LEGACY, 1, 100, t0));
            ledger.accept(share(P2SH, 3, 100, t0));
            ledger.blockFound(block(1, LEGACY, 40_000_000, 100, t0)).join();
            ledger.confirmBlock(hash(1), 100, t0);
            EmbeddedChainWallet wallet = EmbeddedChainWallet.builder(chain).build();

            PaymentProcessor.Report report = PaymentProcessor.builder(ledger, wallet).thresholdSats(1_000)
                    .build().runOnce();

            assertEquals(1, report.sent());
            assertEquals(40_000_000L, report.paidSats());
            String txid = ledger.payments(LEGACY, 1).get(0).txid();
            Transaction tx = inMempool(txid);
            assertEquals(40_000_000L, tx.totalOutputSats());
            chain.mineBlocks(1);
            assertEquals(1, chain.transactionConfirmations(Hash256.fromDisplayHex(txid)));
            assertEquals(Map.of(), ledger.balances());
            assertEquals(Set.of(LEGACY, P2SH), Set.copyOf(tx.outputs().stream()
                    .filter(o -> o.valueSats() > 0)
                    .map(o -> addressOf(o.script())).toList()));
        }
    }

    private static String addressOf(byte[] script) {
        try {
            return Address.fromOutputScript(script, Network.REGTEST).toString();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
