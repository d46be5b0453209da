package io.poolkit.core.guard;

import io.poolkit.core.chain.Address;
import io.poolkit.core.chain.AddressException;
import io.poolkit.core.chain.Network;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The default {@link Authorizer}: the worker name is {@code ADDRESS[.WORKER]}, where ADDRESS is a valid
 * address of the pool's network and becomes the account. The password may carry a starting difficulty as
 * {@code d=NUMBER} (alone or among comma-separated options, e.g. {@code x,d=0.5}).
 *
 * <p>Thread-safe and allocation-light; parses nothing but the name and the password.
 */
public final class AddressAuthorizer implements Authorizer {
    private static final int MAX_NAME_LENGTH = 256;

    private final Network network;

    public AddressAuthorizer(Network network) {
        this.network = Objects.requireNonNull(network, "network");
    }

    @Override
    public Authorization authorize(String workerName, String password) {
        if (workerName.isEmpty() || workerName.length() > MAX_NAME_LENGTH) {
            return new Authorization.Denied("worker name must be ADDRESS[.WORKER], 1.." + MAX_NAME_LENGTH
                    + " characters");
        }
        int dot = workerName.indexOf('.');
        String addressText = dot < 0 ? workerName : workerName.substring(0, dot);
        Address address;
        try {
            address = Address.parse(addressText, network);
        } catch (AddressException e) {
            return new Authorization.Denied(e.getMessage());
        }
        return new Authorization.Granted(address.toString(), workerName, difficultyHint(password));
    }

    /** The {@code d=NUMBER} option of a password, when present, positive and finite. */
    static OptionalDouble difficultyHint(String password) {
        for (String option : password.split(",")) {
            String trimmed = option.trim();
            if (trimmed.startsWith("d=")) {
                try {
                    double value = Double.parseDouble(trimmed.substring(2));
                    if (value > 0 && !Double.isInfinite(value)) {
                        return OptionalDouble.of(value);
                    }
                } catch (NumberFormatException ignored) {
                    // Not a number: no hint, and the worker is still authorised.
                }
            }
        }
        return OptionalDouble.empty();
    }
}
