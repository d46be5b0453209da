package io.poolkit.examples;

import io.poolkit.accounting.scheme.PayoutScheme;
import io.poolkit.accounting.scheme.PayoutSchemes;
import java.util.Locale;
import java.util.Map;

/** Checks a payout scheme's name and settings at start, so a typo stops the pool before it takes shares. */
final class Schemes {
    private Schemes() {}

    /**
     * Makes the scheme once, as the pool will.
     *
     * @param nameOption     the option or key naming the scheme ({@code --scheme}, {@code scheme.name})
     * @param settingsOption the option or key holding its settings
     * @throws ConfigException for an unknown scheme or a bad or unknown setting
     */
    static PayoutScheme check(String nameOption, String name, String settingsOption, Map<String, String> config,
                              int feeBps, String source) {
        ClassLoader loader = loader();
        Map<String, ?> providers = PayoutSchemes.providers(loader);
        if (!providers.containsKey(name.strip().toLowerCase(Locale.ROOT))) {
            throw ConfigException.invalid(nameOption, name, "one of " + String.join(", ", providers.keySet())
                    + " (a plugin's name works when its jar is on the class path)", source);
        }
        try {
            return PayoutSchemes.byName(name, PoolSettings.schemeConfigWithFee(config, feeBps), loader);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(settingsOption, "invalid " + settingsOption + " for scheme '" + name + "'"
                    + (source == null ? "" : " in " + source) + ": " + e.getMessage());
        }
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Schemes.class.getClassLoader();
    }
}
