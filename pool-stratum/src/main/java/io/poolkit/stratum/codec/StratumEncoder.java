package io.poolkit.stratum.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Encodes outbound {@link StratumRequest}s and {@link StratumResponse}s as JSON lines. Other messages,
 * such as {@link ByteBuf}s already written with {@link StratumWriter} or a shared {@code mining.notify}
 * buffer, pass through untouched, so a pipeline can mix both.
 *
 * <pre>{@code
 * pipeline.addLast(encoder);   // one StratumEncoder for all channels
 * channel.writeAndFlush(StratumRequest.of(StratumId.of(1), StratumMethods.SUBSCRIBE, StratumValue.of("miner/1.0")));
 * }</pre>
 *
 * <p>Stateless and {@link Sharable}.
 */
@Sharable
public final class StratumEncoder extends MessageToByteEncoder<StratumMessage> {
    public StratumEncoder() {
        super(StratumMessage.class);
    }

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof StratumRequest || msg instanceof StratumResponse;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, StratumMessage msg, ByteBuf out) {
        if (msg instanceof StratumRequest request) {
            StratumWriter.writeRequest(out, request);
        } else {
            StratumWriter.writeResponse(out, (StratumResponse) msg);
        }
    }
}
