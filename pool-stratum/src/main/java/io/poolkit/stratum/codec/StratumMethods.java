package io.poolkit.stratum.codec;

/**
 * The Stratum V1 method names PoolKit speaks, as constants usable in a {@code switch}.
 *
 * <p>{@link StratumDecoder} hands out these very {@code String} instances for known methods, so
 * comparing them is cheap.
 */
public final class StratumMethods {
    public static final String SUBSCRIBE = "mining.subscribe";
    public static final String AUTHORIZE = "mining.authorize";
    public static final String SUBMIT = "mining.submit";
    public static final String CONFIGURE = "mining.configure";
    public static final String EXTRANONCE_SUBSCRIBE = "mining.extranonce.subscribe";
    public static final String SUGGEST_DIFFICULTY = "mining.suggest_difficulty";
    public static final String SUGGEST_TARGET = "mining.suggest_target";
    public static final String PING = "mining.ping";
    public static final String GET_VERSION = "client.get_version";

    public static final String NOTIFY = "mining.notify";
    public static final String SET_DIFFICULTY = "mining.set_difficulty";
    public static final String SET_EXTRANONCE = "mining.set_extranonce";
    public static final String SET_VERSION_MASK = "mining.set_version_mask";
    public static final String RECONNECT = "client.reconnect";
    public static final String SHOW_MESSAGE = "client.show_message";

    /** Every name above: the decoder returns these instances instead of fresh strings. */
    static final String[] KNOWN = {
        SUBSCRIBE, AUTHORIZE, SUBMIT, CONFIGURE, EXTRANONCE_SUBSCRIBE, SUGGEST_DIFFICULTY, SUGGEST_TARGET,
        PING, GET_VERSION, NOTIFY, SET_DIFFICULTY, SET_EXTRANONCE, SET_VERSION_MASK, RECONNECT, SHOW_MESSAGE,
    };

    private StratumMethods() {}
}
