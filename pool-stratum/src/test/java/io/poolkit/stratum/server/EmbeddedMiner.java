package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.poolkit.stratum.codec.StratumDecoder;
import io.poolkit.stratum.codec.StratumMessage;
import io.poolkit.stratum.codec.StratumRequest;
import io.poolkit.stratum.codec.StratumResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One miner connection to a (not started) {@link StratumServer}, through an {@link EmbeddedChannel} that
 * carries the server's real pipeline. Lines go in as bytes; what the server wrote comes out as lines,
 * every buffer released.
 */
final class EmbeddedMiner {
    private static final StratumDecoder DECODER = new StratumDecoder();

    final EmbeddedChannel channel;

    EmbeddedMiner(StratumServer server) {
        channel = new EmbeddedChannel(server.pipeline().initializer());
    }

    /** Sends {@code line} and a newline. */
    EmbeddedMiner send(String line) {
        return sendRaw(line + "\n");
    }

    EmbeddedMiner sendRaw(String bytes) {
        ByteBuf in = Unpooled.copiedBuffer(bytes, StandardCharsets.UTF_8);
        if (channel.isOpen()) {
            channel.writeInbound(in);
        } else {
            in.release();
        }
        return this;
    }

    /** Runs the loop's pending tasks (fan-out, deferred replies), then takes every line written so far. */
    List<String> lines() {
        channel.runPendingTasks();
        List<String> lines = new ArrayList<>();
        Object out;
        while ((out = channel.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) out;
            try {
                String text = buf.toString(StandardCharsets.UTF_8);
                for (String line : text.split("\n")) {
                    if (!line.isEmpty()) {
                        lines.add(line);
                    }
                }
                assertEquals('\n', text.charAt(text.length() - 1), "every write ends a line: " + text);
            } finally {
                buf.release();
            }
        }
        return lines;
    }

    /** The one line written since the last look. */
    String line() {
        List<String> lines = lines();
        assertEquals(1, lines.size(), "expected one line, got " + lines);
        return lines.get(0);
    }

    /** The one line written since the last look, decoded as a response. */
    StratumResponse response() {
        return assertInstanceOf(StratumResponse.class, decode(line()));
    }

    /** Every line written since the last look, decoded. */
    List<StratumMessage> messages() {
        return lines().stream().map(EmbeddedMiner::decode).toList();
    }

    boolean isOpen() {
        channel.runPendingTasks();
        return channel.isOpen();
    }

    void close() {
        channel.close();
        lines();
        channel.finishAndReleaseAll();
    }

    static StratumMessage decode(String line) {
        ByteBuf buf = Unpooled.copiedBuffer(line, StandardCharsets.UTF_8);
        try {
            return DECODER.decode(buf);
        } finally {
            buf.release();
        }
    }

    static StratumRequest request(String line) {
        return assertInstanceOf(StratumRequest.class, decode(line));
    }
}
