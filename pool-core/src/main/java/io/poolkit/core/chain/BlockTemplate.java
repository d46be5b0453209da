package io.poolkit.core.chain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A block template: what the next block must build on and may contain, as BIP22/BIP23
 * {@code getblocktemplate} describes it. Immutable and thread-safe; arrays out are copies.
 *
 * <p>Made by {@link #parse(String)} from a node's answer (the whole JSON-RPC response or just its
 * {@code result}), or in code with {@link #builder()}.
 *
 * <pre>{@code
 * BlockTemplate template = BlockTemplate.parse(responseBody);
 * long height = template.height();
 * Hash256 prev = template.previousBlockHash();
 * Optional<byte[]> commitment = template.witnessCommitmentScript();
 * }</pre>
 */
public final class BlockTemplate {
    /** Bitcoin's consensus limits, used when a template does not state them. */
    static final long DEFAULT_SIGOP_LIMIT = 80_000;
    static final long DEFAULT_SIZE_LIMIT = 4_000_000;
    static final long DEFAULT_WEIGHT_LIMIT = 4_000_000;
    static final String DEFAULT_NONCE_RANGE = "00000000ffffffff";

    private final int version;
    private final Hash256 previousBlockHash;
    private final List<TemplateTransaction> transactions;
    private final long coinbaseValueSats;
    private final byte[] targetBigEndian;
    private final Target target;
    private final int bits;
    private final long curTime;
    private final long minTime;
    private final long height;
    private final byte[] witnessCommitmentScript;
    private final String longPollId;
    private final List<String> rules;
    private final List<String> capabilities;
    private final Map<String, Integer> vbAvailable;
    private final int vbRequired;
    private final List<String> mutable;
    private final String nonceRangeHex;
    private final long sigOpLimit;
    private final long sizeLimit;
    private final long weightLimit;
    private final Map<String, String> coinbaseAux;
    private final long totalFeesSats;

    private BlockTemplate(Builder b) {
        this.version = b.version;
        this.previousBlockHash = b.previousBlockHash;
        this.transactions = List.copyOf(b.transactions);
        this.coinbaseValueSats = b.coinbaseValueSats;
        this.targetBigEndian = b.targetBigEndian.clone();
        this.target = Target.fromDisplayHex(Hex.encode(targetBigEndian));
        this.bits = b.bits;
        this.curTime = b.curTime;
        this.minTime = b.minTime;
        this.height = b.height;
        this.witnessCommitmentScript = b.witnessCommitmentScript == null ? null : b.witnessCommitmentScript.clone();
        this.longPollId = b.longPollId;
        this.rules = List.copyOf(b.rules);
        this.capabilities = List.copyOf(b.capabilities);
        this.vbAvailable = Collections.unmodifiableMap(new LinkedHashMap<>(b.vbAvailable));
        this.vbRequired = b.vbRequired;
        this.mutable = List.copyOf(b.mutable);
        this.nonceRangeHex = b.nonceRangeHex;
        this.sigOpLimit = b.sigOpLimit;
        this.sizeLimit = b.sizeLimit;
        this.weightLimit = b.weightLimit;
        this.coinbaseAux = Collections.unmodifiableMap(new LinkedHashMap<>(b.coinbaseAux));
        long fees = 0;
        for (TemplateTransaction tx : transactions) {
            fees = Math.addExact(fees, tx.feeSats());
        }
        this.totalFeesSats = fees;
    }

    /**
     * Parses a {@code getblocktemplate} answer: either the whole JSON-RPC response
     * ({@code {"result":{...},"error":null,"id":...}}) or the bare result object. Unknown fields are
     * ignored. Throws {@link IllegalArgumentException} naming the field for a missing required field or a
     * value of the wrong type, and carrying the node's code and message for an error answer.
     *
     * <p>Required: {@code version, previousblockhash, transactions, coinbasevalue, target, bits, curtime,
     * mintime, height}, and in each transaction {@code data, txid, fee, sigops, weight}. Optional fields
     * take Bitcoin's defaults (no rules, the consensus limits, nonce range {@code 00000000ffffffff}); a
     * transaction's {@code hash} defaults to its txid.
     */
    public static BlockTemplate parse(String json) {
        return TemplateJson.parse(json);
    }

    /** Parses UTF-8 JSON bytes; see {@link #parse(String)}. */
    public static BlockTemplate parse(byte[] utf8Json) {
        return TemplateJson.parse(utf8Json);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The block version the node proposes (BIP9 bits set), signed 32-bit. */
    public int version() {
        return version;
    }

    public Hash256 previousBlockHash() {
        return previousBlockHash;
    }

    /** The transactions to include after the coinbase, in block order (unmodifiable). */
    public List<TemplateTransaction> transactions() {
        return transactions;
    }

    /** Their txids, in block order. */
    public List<Hash256> txids() {
        List<Hash256> txids = new ArrayList<>(transactions.size());
        for (TemplateTransaction tx : transactions) {
            txids.add(tx.txid());
        }
        return List.copyOf(txids);
    }

    /** The most the coinbase outputs may claim: subsidy plus fees, in satoshis. */
    public long coinbaseValueSats() {
        return coinbaseValueSats;
    }

    /** The sum of the transactions' fees, in satoshis. */
    public long totalFeesSats() {
        return totalFeesSats;
    }

    /** The target as 64 hex digits, most significant first, as {@code getblocktemplate} shows it. */
    public String targetDisplayHex() {
        return Hex.encode(targetBigEndian);
    }

    /** The block target a header hash must meet, as the template states it. */
    public Target target() {
        return target;
    }

    /** The template's difficulty: difficulty 1's target divided by {@link #target()}. For display and pricing. */
    public double networkDifficulty() {
        return target.difficulty();
    }

    /** A copy of the target's 32 bytes, most significant first. */
    public byte[] targetBigEndian() {
        return targetBigEndian.clone();
    }

    /** The compact target ({@code nBits}) as its raw 32 bits. */
    public int bits() {
        return bits;
    }

    /** The node's current time, Unix seconds. */
    public long curTime() {
        return curTime;
    }

    /** The earliest time the block may carry (median time past + 1), Unix seconds. */
    public long minTime() {
        return minTime;
    }

    /** The height of the block to build. */
    public long height() {
        return height;
    }

    /** A copy of {@code default_witness_commitment}: the coinbase output script committing to the wtxids. */
    public Optional<byte[]> witnessCommitmentScript() {
        return witnessCommitmentScript == null ? Optional.empty() : Optional.of(witnessCommitmentScript.clone());
    }

    public boolean hasWitnessCommitment() {
        return witnessCommitmentScript != null;
    }

    /** The id to send back in a longpoll request. */
    public Optional<String> longPollId() {
        return Optional.ofNullable(longPollId);
    }

    /** The active rules ({@code rules}); a leading '!' marks one a miner must understand. */
    public List<String> rules() {
        return rules;
    }

    public List<String> capabilities() {
        return capabilities;
    }

    /** Deployments being signalled: name to version bit (unmodifiable, in the node's order). */
    public Map<String, Integer> vbAvailable() {
        return vbAvailable;
    }

    /** Version bits the node requires to be set. */
    public int vbRequired() {
        return vbRequired;
    }

    /** What the miner may change ({@code time}, {@code transactions}, {@code prevblock}, ...). */
    public List<String> mutable() {
        return mutable;
    }

    /** {@code noncerange}: 16 hex digits, the lowest and highest nonce, big-endian. */
    public String nonceRangeHex() {
        return nonceRangeHex;
    }

    public long sigOpLimit() {
        return sigOpLimit;
    }

    public long sizeLimit() {
        return sizeLimit;
    }

    public long weightLimit() {
        return weightLimit;
    }

    /** {@code coinbaseaux}: data (hex) the node asks to put in the coinbase scriptSig; usually empty. */
    public Map<String, String> coinbaseAux() {
        return coinbaseAux;
    }

    byte[] witnessCommitmentScriptUnsafe() {
        return witnessCommitmentScript;
    }

    @Override
    public String toString() {
        return "BlockTemplate[height " + height + " on " + previousBlockHash + ", " + transactions.size()
                + " transactions, coinbase value " + coinbaseValueSats + " sats]";
    }

    /**
     * Builds a template in code. Required: height, previousBlockHash, version, bits, target, curTime,
     * minTime, coinbaseValueSats. Not thread-safe: confine to one thread.
     */
    public static final class Builder {
        private Integer version;
        private Hash256 previousBlockHash;
        private final List<TemplateTransaction> transactions = new ArrayList<>();
        private long coinbaseValueSats = -1;
        private byte[] targetBigEndian;
        private Integer bits;
        private long curTime = -1;
        private long minTime = -1;
        private long height = -1;
        private byte[] witnessCommitmentScript;
        private String longPollId;
        private List<String> rules = List.of();
        private List<String> capabilities = List.of();
        private Map<String, Integer> vbAvailable = Map.of();
        private int vbRequired;
        private List<String> mutable = List.of();
        private String nonceRangeHex = DEFAULT_NONCE_RANGE;
        private long sigOpLimit = DEFAULT_SIGOP_LIMIT;
        private long sizeLimit = DEFAULT_SIZE_LIMIT;
        private long weightLimit = DEFAULT_WEIGHT_LIMIT;
        private Map<String, String> coinbaseAux = Map.of();

        private Builder() {}

        public Builder version(int version) {
            this.version = version;
            return this;
        }

        public Builder previousBlockHash(Hash256 previousBlockHash) {
            this.previousBlockHash = Objects.requireNonNull(previousBlockHash, "previousBlockHash");
            return this;
        }

        /** Replaces the transactions (block order, without the coinbase). */
        public Builder transactions(List<TemplateTransaction> transactions) {
            this.transactions.clear();
            transactions.forEach(this::addTransaction);
            return this;
        }

        public Builder addTransaction(TemplateTransaction transaction) {
            transactions.add(Objects.requireNonNull(transaction, "transaction"));
            return this;
        }

        public Builder coinbaseValueSats(long coinbaseValueSats) {
            this.coinbaseValueSats = coinbaseValueSats;
            return this;
        }

        /** The target's 32 bytes, most significant first (copied). */
        public Builder targetBigEndian(byte[] targetBigEndian) {
            this.targetBigEndian = targetBigEndian.clone();
            return this;
        }

        /** The target as 64 hex digits, most significant first. */
        public Builder targetDisplayHex(String targetHex) {
            this.targetBigEndian = Hex.decode(targetHex);
            return this;
        }

        public Builder bits(int bits) {
            this.bits = bits;
            return this;
        }

        public Builder curTime(long curTime) {
            this.curTime = curTime;
            return this;
        }

        public Builder minTime(long minTime) {
            this.minTime = minTime;
            return this;
        }

        public Builder height(long height) {
            this.height = height;
            return this;
        }

        /** The witness commitment output script (copied); see {@link WitnessCommitment#scriptFor(List)}. */
        public Builder witnessCommitmentScript(byte[] script) {
            this.witnessCommitmentScript = script == null ? null : script.clone();
            return this;
        }

        public Builder longPollId(String longPollId) {
            this.longPollId = longPollId;
            return this;
        }

        public Builder rules(List<String> rules) {
            this.rules = List.copyOf(rules);
            return this;
        }

        public Builder capabilities(List<String> capabilities) {
            this.capabilities = List.copyOf(capabilities);
            return this;
        }

        public Builder vbAvailable(Map<String, Integer> vbAvailable) {
            this.vbAvailable = new LinkedHashMap<>(vbAvailable);
            return this;
        }

        public Builder vbRequired(int vbRequired) {
            this.vbRequired = vbRequired;
            return this;
        }

        public Builder mutable(List<String> mutable) {
            this.mutable = List.copyOf(mutable);
            return this;
        }

        public Builder nonceRangeHex(String nonceRangeHex) {
            this.nonceRangeHex = Objects.requireNonNull(nonceRangeHex, "nonceRangeHex");
            return this;
        }

        public Builder sigOpLimit(long sigOpLimit) {
            this.sigOpLimit = sigOpLimit;
            return this;
        }

        public Builder sizeLimit(long sizeLimit) {
            this.sizeLimit = sizeLimit;
            return this;
        }

        public Builder weightLimit(long weightLimit) {
            this.weightLimit = weightLimit;
            return this;
        }

        public Builder coinbaseAux(Map<String, String> coinbaseAux) {
            this.coinbaseAux = new LinkedHashMap<>(coinbaseAux);
            return this;
        }

        /** Validates and builds; the message of a failure names the missing or bad value. */
        public BlockTemplate build() {
            require(version != null, "version");
            require(previousBlockHash != null, "previousBlockHash");
            require(bits != null, "bits");
            require(targetBigEndian != null, "target");
            require(curTime >= 0, "curTime");
            require(minTime >= 0, "minTime");
            require(height >= 0, "height");
            require(coinbaseValueSats >= 0, "coinbaseValueSats");
            if (height < 1) {
                throw new IllegalArgumentException("height must be >= 1 (the genesis block has no template): " + height);
            }
            if (coinbaseValueSats > TxOutput.MAX_MONEY_SATS) {
                throw new IllegalArgumentException("coinbaseValueSats exceeds 21 million BTC: " + coinbaseValueSats);
            }
            if (targetBigEndian.length != 32) {
                throw new IllegalArgumentException("target must be 32 bytes (64 hex digits); got "
                        + targetBigEndian.length + " bytes");
            }
            checkTime("curTime", curTime);
            checkTime("minTime", minTime);
            if (witnessCommitmentScript != null && WitnessCommitment.fromScript(witnessCommitmentScript).isEmpty()) {
                throw new IllegalArgumentException("witness commitment script must be >= 38 bytes starting 6a24aa21a9ed: "
                        + Hex.encode(witnessCommitmentScript));
            }
            if (nonceRangeHex.length() != 16) {
                throw new IllegalArgumentException("nonceRangeHex must be 16 hex digits: '" + nonceRangeHex + "'");
            }
            Hex.decode(nonceRangeHex);
            for (int i = 0; i < transactions.size(); i++) {
                for (int dependency : transactions.get(i).depends()) {
                    if (dependency < 1 || dependency > i) {
                        throw new IllegalArgumentException("transaction " + (i + 1) + " depends on " + dependency
                                + ", which is not an earlier transaction (1.." + i + ")");
                    }
                }
            }
            return new BlockTemplate(this);
        }

        private static void require(boolean present, String field) {
            if (!present) {
                throw new IllegalArgumentException("block template needs " + field);
            }
        }

        private static void checkTime(String field, long value) {
            if (value > 0xffff_ffffL) {
                throw new IllegalArgumentException(field + " must fit in 32 unsigned bits: " + value);
            }
        }
    }
}
