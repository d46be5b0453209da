package io.poolkit.examples.sdk;

import io.poolkit.accounting.ledger.JdbcLedger;
import io.poolkit.accounting.maturity.BlockMaturity;
import io.poolkit.accounting.payment.BitcoindWallet;
import io.poolkit.accounting.payment.PaymentProcessor;
import io.poolkit.accounting.scheme.PayoutSchemes;
import io.poolkit.core.chain.Address;
import io.poolkit.core.chain.Network;
import io.poolkit.core.job.JobDispatcher;
import io.poolkit.core.job.JobFactory;
import io.poolkit.core.job.JobRegistry;
import io.poolkit.core.node.BitcoindClient;
import io.poolkit.core.node.GbtJobSource;
import io.poolkit.core.share.BitcoinShareValidator;
import io.poolkit.core.vardiff.VardiffSettings;
import io.poolkit.stratum.server.StratumServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The README's example, compiled and run by {@link MinimalPoolTest}: a whole pool wired with the SDK. */
final class MinimalPool {
    private MinimalPool() {}

    // README example begins
    static AutoCloseable start(Network network, String nodeUrl, Path cookie, String poolAddress, int port,
                               Path ledgerFile) throws Exception {
        BitcoindClient node = BitcoindClient.builder().url(nodeUrl).cookieFile(cookie).build();
        GbtJobSource source = GbtJobSource.builder().network(network).node(node).build();
        JdbcLedger ledger = JdbcLedger.builder()
                .sqlite(ledgerFile)                                   // or .postgresql(url, login)
                .scheme(PayoutSchemes.byName("pplns", Map.of("n", "2", "fee.bps", "100")))
                .build();

        JobFactory jobs = JobFactory.builder().payTo(Address.parse(poolAddress, network)).poolTag("/MyPool/").build();
        JobRegistry registry = new JobRegistry();
        JobDispatcher dispatcher = new JobDispatcher(jobs, registry);
        StratumServer server = StratumServer.builder()
                .port(port)
                .network(network)                                     // miners log in as ADDRESS[.WORKER]
                .shareValidator(new BitcoinShareValidator(registry, source))
                .shareSink(ledger)                                    // a share is acknowledged once committed
                .vardiff(VardiffSettings.defaults())
                .build()
                .start();
        dispatcher.addListener(server);
        source.start(dispatcher);                                     // templates -> jobs -> mining.notify

        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        new BlockMaturity(ledger, source, network, Clock.systemUTC()).schedule(scheduler, Duration.ofMinutes(1));
        PaymentProcessor.builder(ledger, BitcoindWallet.builder(node).build())
                .thresholdSats(1_000_000).exclude(Set.of("pool-fee", "pool-residual")).build()
                .schedule(scheduler, Duration.ofMinutes(10));

        return () -> {                                                // stop: miners told to reconnect first
            server.stop(Duration.ofSeconds(10)).join();
            scheduler.shutdown();
            source.close();
            ledger.close();
            node.close();
        };
    }
    // README example ends
}
