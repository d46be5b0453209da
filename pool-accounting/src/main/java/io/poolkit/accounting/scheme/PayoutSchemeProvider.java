package io.poolkit.accounting.scheme;

/**
 * Makes a {@link PayoutScheme} from its configuration: the service interface {@link PayoutSchemes} finds
 * through {@link java.util.ServiceLoader}.
 *
 * <p>To add a scheme, implement this (public class, public no-argument constructor) and list its binary name
 * in {@code META-INF/services/io.poolkit.accounting.scheme.PayoutSchemeProvider}. Read settings through
 * {@link SchemeConfig}'s typed getters: a setting the provider never reads is reported as unknown.
 */
public interface PayoutSchemeProvider {

    /** The scheme's name, lower case, unique among providers. */
    String name();

    /** A scheme configured by {@code config}; a bad value throws {@link IllegalArgumentException} naming it. */
    PayoutScheme create(SchemeConfig config);
}
