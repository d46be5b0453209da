package io.poolkit.stratum.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.poolkit.core.chain.Hash256;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes Stratum lines straight into a {@link ByteBuf}: no intermediate {@code String} or JSON tree.
 * Every method writes one complete line, ending in {@code \n}.
 *
 * <p>Replies splice the request's id in as its original JSON bytes; the rest of the common replies
 * ({@code true}, {@code false}, each {@link StratumError}) is encoded once, so answering a share costs a
 * few byte copies into a pooled buffer and no garbage:
 *
 * <pre>{@code
 * ByteBuf out = ctx.alloc().buffer(64);
 * StratumWriter.writeTrue(out, request.id());          // {"id":4,"result":true,"error":null}\n
 * ctx.writeAndFlush(out);
 * }</pre>
 *
 * <p>A job's {@code mining.notify} is encoded once with {@link #encodeNotify} and sent to every session
 * as a {@code retainedDuplicate()}.
 *
 * <p>Stateless and thread-safe. The caller owns {@code out}; nothing here retains or releases it.
 */
public final class StratumWriter {
    private static final byte[] ID_OPEN = ascii("{\"id\":");
    private static final byte[] TRUE_TAIL = ascii(",\"result\":true,\"error\":null}\n");
    private static final byte[] FALSE_TAIL = ascii(",\"result\":false,\"error\":null}\n");
    private static final byte[] RESULT = ascii(",\"result\":");
    private static final byte[] ERROR = ascii(",\"error\":");
    private static final byte[] NULL_ERROR_TAIL = ascii(",\"error\":null}\n");
    private static final byte[] ERROR_OPEN = ascii(",\"result\":null,\"error\":[");
    private static final byte[] ERROR_CLOSE = ascii(",null]}\n");
    private static final byte[] METHOD = ascii(",\"method\":");
    private static final byte[] PARAMS = ascii(",\"params\":");
    private static final byte[] LINE_END = ascii("}\n");
    private static final byte[] PARAMS_END = ascii("]}\n");
    private static final byte[] SUBSCRIBE_OPEN = ascii(",\"result\":[[[\"mining.set_difficulty\",");
    private static final byte[] SUBSCRIBE_NOTIFY = ascii("],[\"mining.notify\",");
    private static final byte[] SUBSCRIBE_EXTRANONCE = ascii("]],\"");
    private static final byte[] NOTIFY_OPEN = notification(StratumMethods.NOTIFY);
    private static final byte[] SET_DIFFICULTY_OPEN = notification(StratumMethods.SET_DIFFICULTY);
    private static final byte[] SET_EXTRANONCE_OPEN = notification(StratumMethods.SET_EXTRANONCE);
    private static final byte[] SET_VERSION_MASK_OPEN = notification(StratumMethods.SET_VERSION_MASK);
    private static final byte[] RECONNECT_OPEN = notification(StratumMethods.RECONNECT);
    private static final byte[] SHOW_MESSAGE_OPEN = notification(StratumMethods.SHOW_MESSAGE);
    private static final byte[] TRUE_END = ascii(",true]}\n");
    private static final byte[] FALSE_END = ascii(",false]}\n");

    private StratumWriter() {}

    /** {@code {"id":<id>,"result":true,"error":null}\n}: the answer to an accepted share or authorisation. */
    public static void writeTrue(ByteBuf out, StratumId id) {
        out.writeBytes(ID_OPEN);
        id.writeTo(out);
        out.writeBytes(TRUE_TAIL);
    }

    /** {@code {"id":<id>,"result":false,"error":null}\n}. */
    public static void writeFalse(ByteBuf out, StratumId id) {
        out.writeBytes(ID_OPEN);
        id.writeTo(out);
        out.writeBytes(FALSE_TAIL);
    }

    /** {@code {"id":<id>,"result":null,"error":[code,"standard message",null]}\n}. */
    public static void writeError(ByteBuf out, StratumId id, StratumError error) {
        out.writeBytes(ID_OPEN);
        id.writeTo(out);
        out.writeBytes(error.replySuffix());
    }

    /** An error reply with {@code error}'s code and a specific message (e.g. "unknown method mining.foo"). */
    public static void writeError(ByteBuf out, StratumId id, StratumError error, String message) {
        writeError(out, id, error.code(), message);
    }

    /** An error reply with any code: {@code {"id":<id>,"result":null,"error":[code,"message",null]}\n}. */
    public static void writeError(ByteBuf out, StratumId id, int code, String message) {
        out.writeBytes(ID_OPEN);
        id.writeTo(out);
        out.writeBytes(ERROR_OPEN);
        JsonOut.writeLong(out, code);
        out.writeByte(',');
        JsonOut.writeString(out, message);
        out.writeBytes(ERROR_CLOSE);
    }

    /** A successful reply with any result: {@code {"id":<id>,"result":<result>,"error":null}\n}. */
    public static void writeResult(ByteBuf out, StratumId id, StratumValue result) {
        out.writeBytes(ID_OPEN);
        id.writeTo(out);
        out.writeBytes(RESULT);
        JsonOut.writeValue(out, result);
        out.writeBytes(NULL_ERROR_TAIL);
    }

    /** Any response value. */
    public static void writeResponse(ByteBuf out, StratumResponse response) {
        out.writeBytes(ID_OPEN);
        response.id().writeTo(out);
        out.writeBytes(RESULT);
        JsonOut.writeValue(out, response.result());
        out.writeBytes(ERROR);
        JsonOut.writeValue(out, response.error());
        out.writeBytes(LINE_END);
    }

    /** Any request or notification: {@code {"id":<id>,"method":"...","params":[...]}\n}. */
    public static void writeRequest(ByteBuf out, StratumRequest request) {
        out.writeBytes(ID_OPEN);
        request.id().writeTo(out);
        out.writeBytes(METHOD);
        JsonOut.writeString(out, request.method());
        out.writeBytes(PARAMS);
        JsonOut.writeArray(out, request.params());
        out.writeBytes(LINE_END);
    }

    /**
     * The {@code mining.subscribe} reply:
     * {@code {"id":<id>,"result":[[["mining.set_difficulty","<sub>"],["mining.notify","<sub>"]],"<extranonce1 hex>",<size>],"error":null}\n}.
     */
    public static void writeSubscribeResult(ByteBuf out, StratumId id, String subscriptionId, byte[] extranonce1,
            int extranonce2Size) {
        if (extranonce2Size < 1 || extranonce2Size > 32) {
            throw new IllegalArgumentException("extranonce2Size must be 1..32 bytes; got " + extranonce2Size);
        }
        out.writeBytes(ID_OPEN);
        id.writeTo(out);
        out.writeBytes(SUBSCRIBE_OPEN);
        JsonOut.writeString(out, subscriptionId);
        out.writeBytes(SUBSCRIBE_NOTIFY);
        JsonOut.writeString(out, subscriptionId);
        out.writeBytes(SUBSCRIBE_EXTRANONCE);
        JsonOut.writeHex(out, extranonce1, 0, extranonce1.length);
        out.writeShort(('"' << 8) | ',');
        JsonOut.writeLong(out, extranonce2Size);
        out.writeByte(']');
        out.writeBytes(NULL_ERROR_TAIL);
    }

    /**
     * Encodes the job's {@code mining.notify} into one new buffer from {@code alloc}, sized for it:
     * {@code {"id":null,"method":"mining.notify","params":["job","prevhash","coinb1","coinb2",[branch...],"version","nbits","ntime",clean]}\n}.
     * The caller owns the returned buffer (reference count 1): send {@code retainedDuplicate()} to each
     * session, then release it.
     */
    public static ByteBuf encodeNotify(ByteBufAllocator alloc, MiningNotify notify) {
        ByteBuf out = alloc.buffer(notifyCapacity(notify));
        try {
            writeNotify(out, notify);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** Writes the job's {@code mining.notify} line into {@code out}. */
    public static void writeNotify(ByteBuf out, MiningNotify notify) {
        out.writeBytes(NOTIFY_OPEN);
        JsonOut.writeString(out, notify.jobId());
        out.writeShort((',' << 8) | '"');
        byte[] prevHash = notify.prevHashStratumBytes();
        JsonOut.writeHex(out, prevHash, 0, prevHash.length);
        out.writeShort(('"' << 8) | ',');
        writeQuotedHex(out, notify.coinbase1Bytes());
        out.writeByte(',');
        writeQuotedHex(out, notify.coinbase2Bytes());
        out.writeShort((',' << 8) | '[');
        byte[] branch = notify.merkleBranchBytes();
        for (int offset = 0; offset < branch.length; offset += Hash256.LENGTH) {
            if (offset > 0) {
                out.writeByte(',');
            }
            out.writeByte('"');
            JsonOut.writeHex(out, branch, offset, Hash256.LENGTH);
            out.writeByte('"');
        }
        out.writeShort((']' << 8) | ',');
        writeQuotedHex32(out, notify.version());
        out.writeByte(',');
        writeQuotedHex32(out, notify.nbits());
        out.writeByte(',');
        writeQuotedHex32(out, notify.ntime());
        out.writeBytes(notify.cleanJobs() ? TRUE_END : FALSE_END);
    }

    /**
     * {@code {"id":null,"method":"mining.set_difficulty","params":[<difficulty>]}\n}, the difficulty as a
     * plain decimal (see {@link #formatDifficulty}).
     */
    public static void writeSetDifficulty(ByteBuf out, double difficulty) {
        String text = formatDifficulty(difficulty);
        out.writeBytes(SET_DIFFICULTY_OPEN);
        JsonOut.writeAscii(out, text);
        out.writeBytes(PARAMS_END);
    }

    /**
     * A share difficulty as a JSON number every miner parses: integers without a fraction
     * ({@code 1000000}), others as a plain decimal without exponent ({@code 0.000001}, never
     * {@code 1.0E-6}) with the digits that read back as exactly the same double.
     *
     * @throws IllegalArgumentException unless {@code difficulty} is finite and positive
     */
    public static String formatDifficulty(double difficulty) {
        if (!(difficulty > 0) || Double.isInfinite(difficulty)) {
            throw new IllegalArgumentException("difficulty must be finite and positive; got " + difficulty);
        }
        return StratumValue.plainDecimal(difficulty);
    }

    /** {@code {"id":null,"method":"mining.set_extranonce","params":["<extranonce1 hex>",<size>]}\n}. */
    public static void writeSetExtranonce(ByteBuf out, byte[] extranonce1, int extranonce2Size) {
        if (extranonce2Size < 1 || extranonce2Size > 32) {
            throw new IllegalArgumentException("extranonce2Size must be 1..32 bytes; got " + extranonce2Size);
        }
        out.writeBytes(SET_EXTRANONCE_OPEN);
        writeQuotedHex(out, extranonce1);
        out.writeByte(',');
        JsonOut.writeLong(out, extranonce2Size);
        out.writeBytes(PARAMS_END);
    }

    /** {@code {"id":null,"method":"mining.set_version_mask","params":["1fffe000"]}\n}. */
    public static void writeSetVersionMask(ByteBuf out, int mask) {
        out.writeBytes(SET_VERSION_MASK_OPEN);
        writeQuotedHex32(out, mask);
        out.writeBytes(PARAMS_END);
    }

    /** {@code {"id":null,"method":"client.reconnect","params":[]}\n}: reconnect to the same server. */
    public static void writeReconnect(ByteBuf out) {
        out.writeBytes(RECONNECT_OPEN);
        out.writeBytes(PARAMS_END);
    }

    /** {@code {"id":null,"method":"client.reconnect","params":["host",port,waitSeconds]}\n}. */
    public static void writeReconnect(ByteBuf out, String host, int port, int waitSeconds) {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535; got " + port);
        }
        if (waitSeconds < 0) {
            throw new IllegalArgumentException("waitSeconds must not be negative; got " + waitSeconds);
        }
        out.writeBytes(RECONNECT_OPEN);
        JsonOut.writeString(out, host);
        out.writeByte(',');
        JsonOut.writeLong(out, port);
        out.writeByte(',');
        JsonOut.writeLong(out, waitSeconds);
        out.writeBytes(PARAMS_END);
    }

    /** {@code {"id":null,"method":"client.show_message","params":["text"]}\n}. */
    public static void writeShowMessage(ByteBuf out, String message) {
        out.writeBytes(SHOW_MESSAGE_OPEN);
        JsonOut.writeString(out, message);
        out.writeBytes(PARAMS_END);
    }

    private static void writeQuotedHex(ByteBuf out, byte[] bytes) {
        out.writeByte('"');
        JsonOut.writeHex(out, bytes, 0, bytes.length);
        out.writeByte('"');
    }

    private static void writeQuotedHex32(ByteBuf out, int value) {
        out.writeByte('"');
        JsonOut.writeHex32(out, value);
        out.writeByte('"');
    }

    private static int notifyCapacity(MiningNotify notify) {
        return NOTIFY_OPEN.length
                + 2 + 6 * notify.jobId().length()     // worst case: every char escaped as \\uXXXX
                + 3 + 2 * Hash256.LENGTH
                + 3 + 2 * notify.coinbase1Bytes().length
                + 3 + 2 * notify.coinbase2Bytes().length
                + 3 + notify.merkleBranch().size() * (3 + 2 * Hash256.LENGTH)
                + 3 * 11
                + FALSE_END.length;
    }

    private static byte[] notification(String method) {
        return ascii("{\"id\":null,\"method\":\"" + method + "\",\"params\":[");
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
