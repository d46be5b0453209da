package io.poolkit.stratum.server;

import io.poolkit.core.chain.Address;
import io.poolkit.core.chain.AddressException;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Network;
import io.poolkit.core.job.Job;
import io.poolkit.core.job.JobFactory;
import io.poolkit.core.testing.SharedVectors;

/** Real jobs for tests: Bitcoin Core's regtest templates through a {@link JobFactory}. */
final class TestJobs {
    /** The payout address cpuminer 2.5.1 logged in with in the recorded ckpool session. */
    static final String ADDRESS = "bcrt1qsw9dlwykky7nee5rj58py9shlrnzc6y626tfh0";
    static final String WORKER = ADDRESS + ".rig1";

    static final BlockTemplate EMPTY = BlockTemplate.parse(
            SharedVectors.text("bitcoind-regtest/getblocktemplate-empty-mempool.json"));
    static final BlockTemplate WITH_TRANSACTIONS = BlockTemplate.parse(
            SharedVectors.text("bitcoind-regtest/getblocktemplate-with-transactions.json"));

    private final JobFactory factory;

    TestJobs() {
        this(4, 4);
    }

    TestJobs(int extranonce1Size, int extranonce2Size) {
        factory = JobFactory.builder()
                .payTo(address())
                .extranonce1Size(extranonce1Size)
                .extranonce2Size(extranonce2Size)
                .build();
    }

    static Address address() {
        try {
            return Address.parse(ADDRESS, Network.REGTEST);
        } catch (AddressException e) {
            throw new AssertionError(e);
        }
    }

    /** A new job on the empty-mempool template; each has a higher sequence than the one before. */
    Job next(boolean cleanJobs) {
        return factory.create(EMPTY, cleanJobs);
    }

    Job withTransactions(boolean cleanJobs) {
        return factory.create(WITH_TRANSACTIONS, cleanJobs);
    }
}
