package io.poolkit.accounting.scheme;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Finds payout schemes by name through {@link ServiceLoader}: the built-ins ({@code pps}, {@code fpps},
 * {@code prop}, {@code pplns}, {@code pplns-time}, {@code solo}) and any plugin on the class path.
 *
 * <p>Call it once, at the edge where the pool is wired; stateless and thread-safe.
 *
 * <pre>{@code
 * PayoutScheme scheme = PayoutSchemes.byName("pplns", Map.of("n", "2", "fee.bps", "100"));
 * }</pre>
 */
public final class PayoutSchemes {

    private PayoutSchemes() {}

    /** The scheme called {@code name} (any case) configured by {@code config}, from the context class loader. */
    public static PayoutScheme byName(String name, Map<String, String> config) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return byName(name, config, loader != null ? loader : PayoutSchemes.class.getClassLoader());
    }

    /** As {@link #byName(String, Map)}, looking for providers through {@code loader}. */
    public static PayoutScheme byName(String name, Map<String, String> config, ClassLoader loader) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        Map<String, PayoutSchemeProvider> providers = providers(loader);
        PayoutSchemeProvider provider = providers.get(wanted);
        if (provider == null) {
            throw new IllegalArgumentException("unknown payout scheme '" + name + "'; available: " + providers.keySet());
        }
        SchemeConfig settings = SchemeConfig.of(config);
        PayoutScheme scheme = provider.create(settings);
        settings.rejectUnread(wanted);
        return scheme;
    }

    /** The providers found through {@code loader}, by name. */
    public static Map<String, PayoutSchemeProvider> providers(ClassLoader loader) {
        Map<String, PayoutSchemeProvider> byName = new TreeMap<>();
        for (PayoutSchemeProvider provider : ServiceLoader.load(PayoutSchemeProvider.class, loader)) {
            String key = provider.name().toLowerCase(Locale.ROOT);
            PayoutSchemeProvider previous = byName.putIfAbsent(key, provider);
            if (previous != null && previous.getClass() != provider.getClass()) {
                throw new IllegalStateException("two payout schemes are called '" + key + "': "
                        + previous.getClass().getName() + " and " + provider.getClass().getName());
            }
        }
        return byName;
    }
}
