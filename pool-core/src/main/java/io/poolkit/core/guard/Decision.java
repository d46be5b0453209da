package io.poolkit.core.guard;

import java.util.Objects;

/**
 * The answer to {@link ConnectionGuard#onConnect}: allowed, or refused with a {@link RefuseReason}. Every
 * decision is a shared constant, so deciding allocates nothing.
 *
 * <pre>{@code
 * if (guard.onConnect(address) instanceof Decision.Refused refused) {
 *     channel.close();                    // refused.reason() says why; the guard logged and counted it
 * }
 * }</pre>
 */
public sealed interface Decision {

    /** The one allowed decision. */
    Allowed ALLOW = new Allowed();

    /** The shared refusal for {@code reason}. */
    static Refused refused(RefuseReason reason) {
        return Refused.BY_REASON[reason.ordinal()];
    }

    /** Whether the connection may proceed. */
    boolean allowed();

    /** A connection the guard let in; the caller reports its end to {@link ConnectionGuard#onDisconnect}. */
    final class Allowed implements Decision {
        private Allowed() {}

        @Override
        public boolean allowed() {
            return true;
        }

        @Override
        public String toString() {
            return "Allowed";
        }
    }

    /** A connection to close at once; it was never counted, so it is not reported as a disconnect. */
    final class Refused implements Decision {
        private static final Refused[] BY_REASON = new Refused[RefuseReason.values().length];

        static {
            for (RefuseReason reason : RefuseReason.values()) {
                BY_REASON[reason.ordinal()] = new Refused(reason);
            }
        }

        private final RefuseReason reason;

        private Refused(RefuseReason reason) {
            this.reason = Objects.requireNonNull(reason, "reason");
        }

        public RefuseReason reason() {
            return reason;
        }

        @Override
        public boolean allowed() {
            return false;
        }

        @Override
        public String toString() {
            return "Refused[" + reason + "]";
        }
    }
}
