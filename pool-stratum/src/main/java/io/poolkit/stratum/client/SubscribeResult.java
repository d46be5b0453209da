package io.poolkit.stratum.client;

import io.poolkit.stratum.codec.StratumValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pool's answer to {@code mining.subscribe}: the subscriptions it lists (method → subscription id)
 * and the connection's {@link Extranonce}. Immutable and thread-safe.
 */
public final class SubscribeResult {
    private final Map<String, String> subscriptions;
    private final Extranonce extranonce;

    private SubscribeResult(Map<String, String> subscriptions, Extranonce extranonce) {
        this.subscriptions = subscriptions;
        this.extranonce = extranonce;
    }

    /**
     * Reads {@code [[["mining.notify","id"],...], "extranonce1 hex", extranonce2_size]}; a single pair
     * {@code ["mining.notify","id"]} in place of the list of pairs is accepted too. Throws
     * {@link IllegalArgumentException} saying what is wrong.
     */
    static SubscribeResult fromResult(StratumValue result) {
        if (!result.isArray() || result.asArray().size() < 3) {
            throw new IllegalArgumentException("a subscribe result is [subscriptions, extranonce1, extranonce2_size]; got "
                    + abbreviate(result.toJson()));
        }
        List<StratumValue> parts = result.asArray();
        Map<String, String> subscriptions = new LinkedHashMap<>();
        StratumValue list = parts.get(0);
        if (list.isArray() && !list.asArray().isEmpty() && list.asArray().get(0).isString()) {
            addPair(subscriptions, list);
        } else if (list.isArray()) {
            for (StratumValue pair : list.asArray()) {
                addPair(subscriptions, pair);
            }
        } else if (!list.isNull()) {
            throw new IllegalArgumentException("subscriptions must be an array; got " + abbreviate(list.toJson()));
        }
        StratumValue extranonce1 = parts.get(1);
        StratumValue size = parts.get(2);
        if (!extranonce1.isString()) {
            throw new IllegalArgumentException("extranonce1 must be a hex string; got " + abbreviate(extranonce1.toJson()));
        }
        if (!size.isLong()) {
            throw new IllegalArgumentException("extranonce2_size must be an integer; got " + abbreviate(size.toJson()));
        }
        long extranonce2Size = size.asLong();
        if (extranonce2Size < 0 || extranonce2Size > 32) {
            throw new IllegalArgumentException("extranonce2_size must be 0..32; got " + extranonce2Size);
        }
        return new SubscribeResult(Collections.unmodifiableMap(subscriptions),
                Extranonce.of(extranonce1.asString(), (int) extranonce2Size));
    }

    private static void addPair(Map<String, String> subscriptions, StratumValue pair) {
        if (!pair.isArray() || pair.asArray().size() < 2 || !pair.asArray().get(0).isString()) {
            throw new IllegalArgumentException("a subscription is [method, id]; got " + abbreviate(pair.toJson()));
        }
        StratumValue id = pair.asArray().get(1);
        subscriptions.put(pair.asArray().get(0).asString(), id.isString() ? id.asString() : id.toJson());
    }

    static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 97) + "...";
    }

    /** Method name → subscription id, in the order the pool listed them (unmodifiable). */
    public Map<String, String> subscriptions() {
        return subscriptions;
    }

    public Extranonce extranonce() {
        return extranonce;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubscribeResult other && subscriptions.equals(other.subscriptions)
                && extranonce.equals(other.extranonce);
    }

    @Override
    public int hashCode() {
        return 31 * subscriptions.hashCode() + extranonce.hashCode();
    }

    @Override
    public String toString() {
        return "SubscribeResult{" + subscriptions + ", " + extranonce + "}";
    }
}
