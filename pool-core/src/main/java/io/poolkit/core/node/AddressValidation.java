package io.poolkit.core.node;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@code validateaddress} says of an address on the node's network: valid with its output script, or
 * invalid with the node's reason.
 *
 * @param isValid           whether the address is valid for the node's network
 * @param address           the address, as the node normalised it (valid addresses only)
 * @param scriptPubKeyHex   the output script paying to it, hex (valid addresses only)
 * @param isScript          whether it pays to a script (P2SH, P2WSH, P2TR)
 * @param isWitness         whether it is a segwit address
 * @param witnessVersion    segwit version (0 for bech32, 1 for taproot), for segwit addresses
 * @param witnessProgramHex the witness program, hex, for segwit addresses
 * @param error             the node's reason for an invalid address
 */
public record AddressValidation(boolean isValid, Optional<String> address, Optional<String> scriptPubKeyHex,
                                boolean isScript, boolean isWitness, OptionalInt witnessVersion,
                                Optional<String> witnessProgramHex, Optional<String> error) {

    public AddressValidation {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(scriptPubKeyHex, "scriptPubKeyHex");
        Objects.requireNonNull(witnessVersion, "witnessVersion");
        Objects.requireNonNull(witnessProgramHex, "witnessProgramHex");
        Objects.requireNonNull(error, "error");
    }

    static AddressValidation from(Json r) {
        boolean valid = r.bool("isvalid");
        Optional<String> script = r.optional("scriptPubKey").map(Json::asHex);
        if (valid && script.isEmpty()) {
            throw new Json.Shape(r.path() + ": a valid address without \"scriptPubKey\"");
        }
        return new AddressValidation(valid, r.optString("address"), script, r.bool("isscript", false),
                r.bool("iswitness", false), r.optInt("witness_version"),
                r.optional("witness_program").map(Json::asHex), r.optString("error"));
    }
}
