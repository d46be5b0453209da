package io.poolkit.core.chain;

import io.poolkit.core.chain.AddressException.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * A Bitcoin address of one {@link Network}, and the output script it pays to. Immutable and thread-safe.
 *
 * <p>Reads and writes base58check P2PKH and P2SH, bech32 segwit v0 (BIP 173: P2WPKH, P2WSH) and bech32m
 * segwit v1+ (BIP 350: P2TR and future versions), with every rule of those BIPs: the checksum variant
 * that matches the witness version, programs of 2 to 40 bytes (20 or 32 for v0), versions up to 16, the
 * network's human-readable part, no mixed case, zero padding, at most 90 characters. Two addresses are
 * equal when they are of the same network and pay to the same script.
 *
 * <pre>{@code
 * Address payout = Address.parse("bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv", Network.MAINNET);
 * byte[] script = payout.outputScript();                  // 0014 6100fc63…
 * Address back = Address.fromOutputScript(script, Network.MAINNET);
 * }</pre>
 */
public final class Address {
    /** No address is longer than bech32's limit (base58 ones are at most 35 characters). */
    private static final int MAX_TEXT_LENGTH = Bech32.MAX_LENGTH;
    private static final int HASH160_BYTES = 20;
    private static final int MIN_PROGRAM_BYTES = 2;
    private static final int MAX_PROGRAM_BYTES = 40;
    private static final int OP_0 = 0x00;
    private static final int OP_1 = 0x51;
    private static final int OP_16 = 0x60;

    private final Network network;
    private final AddressType type;
    private final byte[] script;
    private final String text;

    private Address(Network network, AddressType type, byte[] script, String text) {
        this.network = network;
        this.type = type;
        this.script = script;
        this.text = text;
    }

    /**
     * Reads an address of {@code network}. Bech32 addresses may be all upper or all lower case.
     *
     * @throws AddressException naming the text and what is wrong with it: {@link Kind#MALFORMED},
     *     {@link Kind#BAD_CHECKSUM} or {@link Kind#WRONG_NETWORK}
     */
    public static Address parse(String text, Network network) throws AddressException {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(network, "network");
        if (text.isEmpty()) {
            throw new AddressException(Kind.MALFORMED, "an empty text is not an address");
        }
        if (text.length() > MAX_TEXT_LENGTH) {
            throw malformed(text, "is " + text.length() + " characters long; no address is longer than "
                    + MAX_TEXT_LENGTH);
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (Network candidate : Network.values()) {
            if (lower.startsWith(candidate.bech32Hrp() + "1")) {
                try {
                    return fromBech32(text, Bech32.decode(text), network);
                } catch (Bech32.FormatException e) {
                    throw new AddressException(e.checksum ? Kind.BAD_CHECKSUM : Kind.MALFORMED,
                            quote(text) + " " + e.getMessage());
                }
            }
        }
        Bech32.Decoded otherBech32 = null;
        try {
            otherBech32 = Bech32.decode(text);
        } catch (Bech32.FormatException e) {
            // Not bech32 with some other prefix: read it as base58.
        }
        if (otherBech32 != null) {
            return fromBech32(text, otherBech32, network);
        }
        return fromBase58(text, network);
    }

    /**
     * The address that {@code script} pays to on {@code network}.
     *
     * @throws AddressException of kind {@link Kind#UNSUPPORTED_SCRIPT} if the script is not P2PKH, P2SH or
     *     a witness program that BIP 350 allows (v0 programs must be 20 or 32 bytes)
     */
    public static Address fromOutputScript(byte[] script, Network network) throws AddressException {
        Objects.requireNonNull(network, "network");
        byte[] copy = script.clone();
        if (isP2pkh(copy)) {
            return base58(network, AddressType.P2PKH, copy, network.p2pkhVersion(), 3);
        }
        if (isP2sh(copy)) {
            return base58(network, AddressType.P2SH, copy, network.p2shVersion(), 2);
        }
        int version = witnessVersion(copy);
        if (version >= 0) {
            byte[] program = Arrays.copyOfRange(copy, 2, copy.length);
            AddressType type = witnessType(version, program.length);
            if (type != null) {
                return new Address(network, type, copy, bech32Text(network, version, program));
            }
        }
        throw new AddressException(Kind.UNSUPPORTED_SCRIPT, "output script " + abbreviate(Hex.encode(copy))
                + " has no address form (it is not P2PKH, P2SH or a valid witness program)");
    }

    /** The script this address pays to, as it appears in a transaction output. A copy. */
    public byte[] outputScript() {
        return script.clone();
    }

    public AddressType type() {
        return type;
    }

    public Network network() {
        return network;
    }

    /** The canonical text: base58check as is, bech32/bech32m in lower case. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Address other && network == other.network && Arrays.equals(script, other.script);
    }

    @Override
    public int hashCode() {
        return 31 * network.hashCode() + Arrays.hashCode(script);
    }

    private static Address fromBase58(String text, Network network) throws AddressException {
        byte[] data;
        try {
            data = Base58.decode(text);
        } catch (IllegalArgumentException e) {
            throw malformed(text, "is neither bech32 nor base58: " + e.getMessage());
        }
        if (data.length <= Base58.CHECKSUM_BYTES) {
            throw malformed(text, "is too short for a base58check address");
        }
        if (!Base58.checksumMatches(data)) {
            throw new AddressException(Kind.BAD_CHECKSUM, quote(text) + " has a bad base58check checksum (a typo?)");
        }
        int payload = data.length - Base58.CHECKSUM_BYTES;
        if (payload != 1 + HASH160_BYTES) {
            throw malformed(text, "holds " + payload + " bytes; a base58 address holds a version byte and a "
                    + "20-byte hash");
        }
        int version = data[0] & 0xff;
        byte[] hash = Arrays.copyOfRange(data, 1, 1 + HASH160_BYTES);
        if (version == network.p2pkhVersion()) {
            return base58(network, AddressType.P2PKH, p2pkhScript(hash), version, 3);
        }
        if (version == network.p2shVersion()) {
            return base58(network, AddressType.P2SH, p2shScript(hash), version, 2);
        }
        List<Network> others = networksWith(version, Network::p2pkhVersion);
        others.addAll(networksWith(version, Network::p2shVersion));
        if (!others.isEmpty()) {
            throw wrongNetwork(text, others, network);
        }
        throw malformed(text, String.format(Locale.ROOT,
                "has version byte 0x%02x, which is no P2PKH or P2SH version of any network", version));
    }

    private static Address fromBech32(String text, Bech32.Decoded decoded, Network network)
            throws AddressException {
        int[] values = decoded.dataValues;
        if (values.length == 0) {
            throw malformed(text, "has no witness version");
        }
        int version = values[0];
        if (version > 16) {
            throw malformed(text, "has witness version " + version + "; versions go up to 16");
        }
        byte[] program = Bech32.fromFiveBit(values, 1);
        if (program == null) {
            throw malformed(text, "has invalid padding in its witness program (more than 4 bits, or not zero)");
        }
        if (program.length < MIN_PROGRAM_BYTES || program.length > MAX_PROGRAM_BYTES) {
            throw malformed(text, "has a " + program.length + "-byte witness program; programs are 2 to 40 bytes");
        }
        AddressType type = witnessType(version, program.length);
        if (type == null) {
            throw malformed(text, "has a " + program.length + "-byte version 0 witness program; "
                    + "version 0 programs are 20 (P2WPKH) or 32 (P2WSH) bytes");
        }
        Bech32.Variant expected = version == 0 ? Bech32.Variant.BECH32 : Bech32.Variant.BECH32M;
        if (decoded.variant != expected) {
            throw new AddressException(Kind.BAD_CHECKSUM, quote(text) + " has a " + name(decoded.variant)
                    + " checksum, but witness version " + version + " needs " + name(expected)
                    + (version == 0 ? " (BIP 173)" : " (BIP 350)"));
        }
        if (!decoded.hrp.equals(network.bech32Hrp())) {
            List<Network> others = new ArrayList<>();
            for (Network candidate : Network.values()) {
                if (candidate.bech32Hrp().equals(decoded.hrp)) {
                    others.add(candidate);
                }
            }
            if (!others.isEmpty()) {
                throw wrongNetwork(text, others, network);
            }
            throw malformed(text, "has the prefix '" + decoded.hrp + "', which is no Bitcoin network's; "
                    + nameOf(network) + " addresses start with '" + network.bech32Hrp() + "1'");
        }
        byte[] script = witnessScript(version, program);
        return new Address(network, type, script, bech32Text(network, version, program));
    }

    /** The type of a witness program that BIP 350 allows, or null for a v0 program of the wrong length. */
    private static AddressType witnessType(int version, int programLength) {
        if (version == 0) {
            return programLength == 20 ? AddressType.P2WPKH : programLength == 32 ? AddressType.P2WSH : null;
        }
        return version == 1 && programLength == 32 ? AddressType.P2TR : AddressType.WITNESS_UNKNOWN;
    }

    private static Address base58(Network network, AddressType type, byte[] script, int version, int hashAt) {
        byte[] payload = new byte[1 + HASH160_BYTES];
        payload[0] = (byte) version;
        System.arraycopy(script, hashAt, payload, 1, HASH160_BYTES);
        return new Address(network, type, script, Base58.encodeCheck(payload));
    }

    private static String bech32Text(Network network, int version, byte[] program) {
        int[] fiveBit = Bech32.toFiveBit(program);
        int[] values = new int[fiveBit.length + 1];
        values[0] = version;
        System.arraycopy(fiveBit, 0, values, 1, fiveBit.length);
        return Bech32.encode(network.bech32Hrp(), values,
                version == 0 ? Bech32.Variant.BECH32 : Bech32.Variant.BECH32M);
    }

    private static boolean isP2pkh(byte[] s) {
        return s.length == 25 && (s[0] & 0xff) == 0x76 && (s[1] & 0xff) == 0xa9 && s[2] == HASH160_BYTES
                && (s[23] & 0xff) == 0x88 && (s[24] & 0xff) == 0xac;
    }

    private static boolean isP2sh(byte[] s) {
        return s.length == 23 && (s[0] & 0xff) == 0xa9 && s[1] == HASH160_BYTES && (s[22] & 0xff) == 0x87;
    }

    /** The witness version of a witness-program script (OP_n then one direct push of 2..40 bytes), or -1. */
    private static int witnessVersion(byte[] s) {
        if (s.length < 2 + MIN_PROGRAM_BYTES || s.length > 2 + MAX_PROGRAM_BYTES || s[1] != s.length - 2) {
            return -1;
        }
        int op = s[0] & 0xff;
        if (op == OP_0) {
            return 0;
        }
        return op >= OP_1 && op <= OP_16 ? op - OP_1 + 1 : -1;
    }

    private static byte[] p2pkhScript(byte[] hash) {
        byte[] script = new byte[25];
        script[0] = (byte) 0x76;
        script[1] = (byte) 0xa9;
        script[2] = HASH160_BYTES;
        System.arraycopy(hash, 0, script, 3, HASH160_BYTES);
        script[23] = (byte) 0x88;
        script[24] = (byte) 0xac;
        return script;
    }

    private static byte[] p2shScript(byte[] hash) {
        byte[] script = new byte[23];
        script[0] = (byte) 0xa9;
        script[1] = HASH160_BYTES;
        System.arraycopy(hash, 0, script, 2, HASH160_BYTES);
        script[22] = (byte) 0x87;
        return script;
    }

    private static byte[] witnessScript(int version, byte[] program) {
        byte[] script = new byte[2 + program.length];
        script[0] = (byte) (version == 0 ? OP_0 : OP_1 + version - 1);
        script[1] = (byte) program.length;
        System.arraycopy(program, 0, script, 2, program.length);
        return script;
    }

    private static List<Network> networksWith(int version, ToIntFunction<Network> versionOf) {
        List<Network> found = new ArrayList<>();
        for (Network candidate : Network.values()) {
            if (versionOf.applyAsInt(candidate) == version) {
                found.add(candidate);
            }
        }
        return found;
    }

    private static AddressException wrongNetwork(String text, List<Network> others, Network expected) {
        StringBuilder names = new StringBuilder();
        for (Network other : others) {
            if (names.length() > 0) {
                names.append('/');
            }
            names.append(nameOf(other));
        }
        return new AddressException(Kind.WRONG_NETWORK, quote(text) + " is a " + names + " address; this pool runs on "
                + nameOf(expected));
    }

    private static String nameOf(Network network) {
        return network.name().toLowerCase(Locale.ROOT);
    }

    private static String name(Bech32.Variant variant) {
        return variant == Bech32.Variant.BECH32 ? "bech32" : "bech32m";
    }

    private static AddressException malformed(String text, String problem) {
        return new AddressException(Kind.MALFORMED, quote(text) + " " + problem);
    }

    /** The text in quotes, shortened and with control characters escaped, fit for a log line. */
    private static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('\'');
        String shown = abbreviate(text);
        for (int i = 0; i < shown.length(); i++) {
            out.append(Base58.printable(shown.charAt(i)));
        }
        return out.append('\'').toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 97) + "...";
    }
}
