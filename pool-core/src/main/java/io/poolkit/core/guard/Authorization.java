package io.poolkit.core.guard;

import java.util.Objects;
import java.util.OptionalDouble;

/** The answer to a {@code mining.authorize}: granted for an account, or denied with a reason. */
public sealed interface Authorization {

    /**
     * A worker the pool credits.
     *
     * @param account        the account shares are credited to (for the default authorizer, the payout address)
     * @param worker         the full worker name, used in statistics
     * @param difficultyHint a starting difficulty the miner asked for (password {@code d=NUMBER}), if any
     */
    record Granted(String account, String worker, OptionalDouble difficultyHint) implements Authorization {
        public Granted {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(worker, "worker");
            Objects.requireNonNull(difficultyHint, "difficultyHint");
        }
    }

    /** A refused worker, with a reason the miner may be shown. */
    record Denied(String reason) implements Authorization {
        public Denied {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
