package io.poolkit.stratum.codec;

import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Hex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The fields of one {@code mining.notify}: what a miner needs to build block headers for a job.
 * Immutable and thread-safe.
 *
 * <p>Byte orders, as on the wire: the previous block hash travels in "Stratum word order" (the hash's
 * internal bytes with each 4-byte word reversed); the merkle branch hashes travel in internal order;
 * version, nbits and ntime travel as eight hex digits of the 32-bit number (big-endian text, while the
 * header stores them little-endian). This class converts at the edges: {@link #prevHash()} is a plain
 * {@link Hash256}.
 *
 * <pre>{@code
 * MiningNotify notify = MiningNotify.builder()
 *         .jobId("6b0715a100000001")
 *         .prevHash(Hash256.fromDisplayHex(template.previousBlockHash()))
 *         .coinbase1(coinb1).coinbase2(coinb2)
 *         .merkleBranch(branch)
 *         .version(0x20000000).nbits(0x207fffff).ntime(0x6b0715a1)
 *         .cleanJobs(true)
 *         .build();
 * ByteBuf once = StratumWriter.encodeNotify(alloc, notify);   // then retainedDuplicate() per session
 * }</pre>
 */
public final class MiningNotify {
    private final String jobId;
    private final byte[] prevHashStratum;
    private final byte[] coinbase1;
    private final byte[] coinbase2;
    private final List<Hash256> merkleBranch;
    /** The branch hashes back to back, internal order: what the writer copies as hex. */
    private final byte[] merkleBranchBytes;
    private final int version;
    private final int nbits;
    private final int ntime;
    private final boolean cleanJobs;

    private MiningNotify(Builder b) {
        this.jobId = b.jobId;
        this.prevHashStratum = b.prevHashStratum;
        this.coinbase1 = b.coinbase1;
        this.coinbase2 = b.coinbase2;
        this.merkleBranch = List.copyOf(b.merkleBranch);
        this.merkleBranchBytes = new byte[merkleBranch.size() * Hash256.LENGTH];
        for (int i = 0; i < merkleBranch.size(); i++) {
            merkleBranch.get(i).copyInternalBytes(merkleBranchBytes, i * Hash256.LENGTH);
        }
        this.version = b.version;
        this.nbits = b.nbits;
        this.ntime = b.ntime;
        this.cleanJobs = b.cleanJobs;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the nine {@code mining.notify} parameters (extra trailing ones are ignored). Throws
     * {@link IllegalArgumentException} naming the first bad parameter: a pool's malformed notify is
     * for the caller to log and drop.
     */
    public static MiningNotify fromParams(List<StratumValue> params) {
        if (params.size() < 9) {
            throw new IllegalArgumentException("mining.notify needs 9 params; got " + params.size());
        }
        StratumValue branch = params.get(4);
        if (!branch.isArray()) {
            throw new IllegalArgumentException("mining.notify param 4 (merkle branch) must be an array; got "
                    + StratumValue.abbreviate(branch.toJson()));
        }
        List<String> branchHex = new ArrayList<>(branch.asArray().size());
        for (int i = 0; i < branch.asArray().size(); i++) {
            branchHex.add(string(branch.asArray().get(i), "4 (merkle branch), element " + i));
        }
        StratumValue clean = params.get(8);
        if (!clean.isBoolean()) {
            throw new IllegalArgumentException("mining.notify param 8 (clean jobs) must be a boolean; got "
                    + StratumValue.abbreviate(clean.toJson()));
        }
        return builder()
                .jobId(string(params.get(0), "0 (job id)"))
                .prevHashStratumHex(string(params.get(1), "1 (prevhash)"))
                .coinbase1Hex(string(params.get(2), "2 (coinb1)"))
                .coinbase2Hex(string(params.get(3), "3 (coinb2)"))
                .merkleBranchHex(branchHex)
                .versionHex(string(params.get(5), "5 (version)"))
                .nbitsHex(string(params.get(6), "6 (nbits)"))
                .ntimeHex(string(params.get(7), "7 (ntime)"))
                .cleanJobs(clean.asBoolean())
                .build();
    }

    private static String string(StratumValue value, String which) {
        if (!value.isString()) {
            throw new IllegalArgumentException("mining.notify param " + which + " must be a string; got "
                    + StratumValue.abbreviate(value.toJson()));
        }
        return value.asString();
    }

    public String jobId() {
        return jobId;
    }

    /** The previous block's hash. */
    public Hash256 prevHash() {
        return Hash256.fromInternalBytes(swapWords(prevHashStratum));
    }

    /** The previous block's hash as sent: 64 hex digits in Stratum word order. */
    public String prevHashStratumHex() {
        return Hex.encode(prevHashStratum);
    }

    /** The coinbase transaction's bytes before the extranonces (a copy). */
    public byte[] coinbase1() {
        return coinbase1.clone();
    }

    public String coinbase1Hex() {
        return Hex.encode(coinbase1);
    }

    /** The coinbase transaction's bytes after the extranonces (a copy). */
    public byte[] coinbase2() {
        return coinbase2.clone();
    }

    public String coinbase2Hex() {
        return Hex.encode(coinbase2);
    }

    /** The merkle branch from the coinbase up, each hash as in serialized data (internal order). */
    public List<Hash256> merkleBranch() {
        return merkleBranch;
    }

    /** The block version (a 32-bit field). */
    public int version() {
        return version;
    }

    /** The compact target of the block ("bits"). */
    public int nbits() {
        return nbits;
    }

    /** The block time, seconds since 1970 as an unsigned 32-bit number. */
    public int ntime() {
        return ntime;
    }

    /** Whether the miner must drop all earlier jobs (a new block arrived). */
    public boolean cleanJobs() {
        return cleanJobs;
    }

    byte[] prevHashStratumBytes() {
        return prevHashStratum;
    }

    byte[] coinbase1Bytes() {
        return coinbase1;
    }

    byte[] coinbase2Bytes() {
        return coinbase2;
    }

    byte[] merkleBranchBytes() {
        return merkleBranchBytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MiningNotify other && jobId.equals(other.jobId)
                && Arrays.equals(prevHashStratum, other.prevHashStratum)
                && Arrays.equals(coinbase1, other.coinbase1) && Arrays.equals(coinbase2, other.coinbase2)
                && merkleBranch.equals(other.merkleBranch) && version == other.version
                && nbits == other.nbits && ntime == other.ntime && cleanJobs == other.cleanJobs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(jobId, Arrays.hashCode(prevHashStratum), merkleBranch, version, nbits, ntime);
    }

    @Override
    public String toString() {
        return "MiningNotify{job " + jobId + ", prev " + prevHash() + ", " + merkleBranch.size()
                + " branch hashes, version " + hex32(version) + ", nbits " + hex32(nbits) + ", ntime "
                + hex32(ntime) + (cleanJobs ? ", clean}" : "}");
    }

    static String hex32(int value) {
        return String.format("%08x", value);
    }

    /** Internal order ↔ Stratum word order: the same swap both ways. */
    static byte[] swapWords(byte[] bytes) {
        byte[] swapped = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i += 4) {
            swapped[i] = bytes[i + 3];
            swapped[i + 1] = bytes[i + 2];
            swapped[i + 2] = bytes[i + 1];
            swapped[i + 3] = bytes[i];
        }
        return swapped;
    }

    /** Builds a {@link MiningNotify}; every field is required. Not thread-safe. */
    public static final class Builder {
        private String jobId;
        private byte[] prevHashStratum;
        private byte[] coinbase1;
        private byte[] coinbase2;
        private List<Hash256> merkleBranch;
        private int version;
        private int nbits;
        private int ntime;
        private boolean versionSet;
        private boolean nbitsSet;
        private boolean ntimeSet;
        private boolean cleanJobs;

        private Builder() {}

        public Builder jobId(String jobId) {
            this.jobId = jobId;
            return this;
        }

        public Builder prevHash(Hash256 prevHash) {
            this.prevHashStratum = swapWords(prevHash.internalBytes());
            return this;
        }

        /** The previous hash as it travels: 64 hex digits in Stratum word order. */
        public Builder prevHashStratumHex(String hex) {
            byte[] bytes = Hex.decode(hex);
            if (bytes.length != Hash256.LENGTH) {
                throw new IllegalArgumentException("prevhash must be 64 hex digits; got " + hex.length()
                        + " in '" + StratumValue.abbreviate(hex) + "'");
            }
            this.prevHashStratum = bytes;
            return this;
        }

        public Builder coinbase1(byte[] coinbase1) {
            this.coinbase1 = coinbase1.clone();
            return this;
        }

        public Builder coinbase1Hex(String hex) {
            this.coinbase1 = Hex.decode(hex);
            return this;
        }

        public Builder coinbase2(byte[] coinbase2) {
            this.coinbase2 = coinbase2.clone();
            return this;
        }

        public Builder coinbase2Hex(String hex) {
            this.coinbase2 = Hex.decode(hex);
            return this;
        }

        /** The branch hashes, each in internal order (as in serialized data). */
        public Builder merkleBranch(List<Hash256> branch) {
            this.merkleBranch = List.copyOf(branch);
            return this;
        }

        /** The branch as it travels: hex of each hash in internal order. */
        public Builder merkleBranchHex(List<String> branchHex) {
            List<Hash256> branch = new ArrayList<>(branchHex.size());
            for (String hex : branchHex) {
                byte[] bytes = Hex.decode(hex);
                if (bytes.length != Hash256.LENGTH) {
                    throw new IllegalArgumentException("a merkle branch hash must be 64 hex digits; got '"
                            + StratumValue.abbreviate(hex) + "'");
                }
                branch.add(Hash256.fromInternalBytes(bytes));
            }
            this.merkleBranch = branch;
            return this;
        }

        public Builder version(int version) {
            this.version = version;
            this.versionSet = true;
            return this;
        }

        /** Eight hex digits, most significant first (e.g. {@code 20000000}). */
        public Builder versionHex(String hex) {
            return version(parseHex32(hex, "version"));
        }

        public Builder nbits(int nbits) {
            this.nbits = nbits;
            this.nbitsSet = true;
            return this;
        }

        public Builder nbitsHex(String hex) {
            return nbits(parseHex32(hex, "nbits"));
        }

        public Builder ntime(int ntime) {
            this.ntime = ntime;
            this.ntimeSet = true;
            return this;
        }

        public Builder ntimeHex(String hex) {
            return ntime(parseHex32(hex, "ntime"));
        }

        public Builder cleanJobs(boolean cleanJobs) {
            this.cleanJobs = cleanJobs;
            return this;
        }

        public MiningNotify build() {
            require(jobId != null, "jobId");
            require(prevHashStratum != null, "prevHash");
            require(coinbase1 != null, "coinbase1");
            require(coinbase2 != null, "coinbase2");
            require(merkleBranch != null, "merkleBranch");
            require(versionSet, "version");
            require(nbitsSet, "nbits");
            require(ntimeSet, "ntime");
            return new MiningNotify(this);
        }

        private static void require(boolean present, String field) {
            if (!present) {
                throw new IllegalStateException("MiningNotify needs " + field);
            }
        }

        static int parseHex32(String hex, String field) {
            if (hex == null || hex.length() != 8) {
                throw new IllegalArgumentException(field + " must be 8 hex digits; got '"
                        + (hex == null ? null : StratumValue.abbreviate(hex)) + "'");
            }
            int value = 0;
            for (int i = 0; i < 8; i++) {
                int digit = Character.digit(hex.charAt(i), 16);
                if (digit < 0) {
                    throw new IllegalArgumentException(field + " must be 8 hex digits; got '" + hex + "'");
                }
                value = (value << 4) | digit;
            }
            return value;
        }
    }
}
