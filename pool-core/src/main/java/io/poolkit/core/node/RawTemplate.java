package io.poolkit.core.node;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.poolkit.core.chain.Hash256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code getblocktemplate} answer's {@code result} object, byte for byte as the node sent it, plus the
 * three fields a job source needs before parsing the rest: the previous block, the height and the long-poll
 * id.
 *
 * <p>A template parser reads {@link #json()} (or {@link #jsonText()}); nothing in between re-encodes it.
 *
 * <pre>{@code
 * RawTemplate raw = client.getBlockTemplate().join();
 * client.getBlockTemplate(raw.longPollId().orElseThrow()); // completes when the node has new work
 * }</pre>
 *
 * <p>Immutable.
 */
public final class RawTemplate {
    private final byte[] json;
    private final Hash256 previousBlockHash;
    private final long height;
    private final String longPollId;

    private RawTemplate(byte[] json, Hash256 previousBlockHash, long height, String longPollId) {
        this.json = json;
        this.previousBlockHash = previousBlockHash;
        this.height = height;
        this.longPollId = longPollId;
    }

    /**
     * Reads the summary fields of a template's JSON object ({@code result} of {@code getblocktemplate}).
     * Copies {@code resultJson}. Throws {@link IllegalArgumentException} naming what is missing or wrong.
     */
    public static RawTemplate of(byte[] resultJson) {
        try {
            return parse(new JsonFactory(), resultJson.clone());
        } catch (Json.Shape | IOException e) {
            throw new IllegalArgumentException("not a getblocktemplate result: " + e.getMessage(), e);
        }
    }

    /** Trusted path: takes ownership of {@code json}. */
    static RawTemplate parse(JsonFactory factory, byte[] json) throws IOException {
        Objects.requireNonNull(json, "json");
        try (JsonParser parser = factory.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new Json.Shape("result: expected an object");
            }
            Hash256 previous = null;
            Long height = null;
            String longPollId = null;
            for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
                String name = parser.currentName();
                parser.nextToken();
                switch (name) {
                    case "previousblockhash":
                        previous = Json.read(parser, "result.previousblockhash").asHash();
                        break;
                    case "height":
                        height = Json.read(parser, "result.height").asLong();
                        break;
                    case "longpollid":
                        longPollId = Json.read(parser, "result.longpollid").asString();
                        break;
                    default:
                        parser.skipChildren();
                }
            }
            if (previous == null) {
                throw new Json.Shape("result: missing field \"previousblockhash\"");
            }
            if (height == null) {
                throw new Json.Shape("result: missing field \"height\"");
            }
            if (height < 0) {
                throw new Json.Shape("result.height: negative: " + height);
            }
            return new RawTemplate(json, previous, height, longPollId);
        }
    }

    /** A copy of the template object's exact bytes (UTF-8 JSON). */
    public byte[] json() {
        return json.clone();
    }

    /** The template object as text. */
    public String jsonText() {
        return new String(json, StandardCharsets.UTF_8);
    }

    /** The block the template builds on. */
    public Hash256 previousBlockHash() {
        return previousBlockHash;
    }

    /** The height of the block the template is for. */
    public long height() {
        return height;
    }

    /** The id to pass back for a long poll; empty when the node offers none. */
    public Optional<String> longPollId() {
        return Optional.ofNullable(longPollId);
    }

    @Override
    public String toString() {
        return "RawTemplate[height=" + height + ", previousBlockHash=" + previousBlockHash + ", "
                + json.length + " bytes]";
    }
}
