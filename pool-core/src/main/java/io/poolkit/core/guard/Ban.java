package io.poolkit.core.guard;

import java.time.Instant;
import java.util.Objects;

/**
 * One ban in force, as {@link ConnectionGuard#bans()} reports it to operators.
 *
 * @param address the banned address: an IPv4 address, or an IPv6 address or prefix ({@code 2001:db8:0:1::/64})
 * @param reason  why it was banned
 * @param detail  what was seen, e.g. {@code 61 of 100 shares invalid within PT10M}, or the operator's note
 * @param since   when the ban began
 * @param until   when it ends
 * @param offence how many bans the address earned in a row (1 for a first offence; escalation follows it)
 */
public record Ban(String address, BanReason reason, String detail, Instant since, Instant until, int offence) {
    public Ban {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
    }
}
