package io.poolkit.stratum.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.poolkit.stratum.testing.LeakTracking;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakTracking.class)
class StratumEncoderTest {
    @Test
    void statelessHandlersAreSharableAndTheFrameDecoderIsNot() {
        assertNotNull(StratumEncoder.class.getAnnotation(ChannelHandler.Sharable.class));
        assertNotNull(StratumDecoder.class.getAnnotation(ChannelHandler.Sharable.class));
        assertNull(StratumFrameDecoder.class.getAnnotation(ChannelHandler.Sharable.class));
    }

    @Test
    void encodesRequestsAndResponsesOnSeveralChannelsWithOneInstance() {
        StratumEncoder shared = new StratumEncoder();
        for (int i = 0; i < 2; i++) {
            EmbeddedChannel channel = new EmbeddedChannel(shared);
            channel.writeOutbound(StratumRequest.of(StratumId.of(1), StratumMethods.SUBSCRIBE, StratumValue.of("m/1")));
            channel.writeOutbound(StratumResponse.success(StratumId.ofString("x"), StratumValue.TRUE));
            assertEquals("{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"m/1\"]}\n", readLine(channel));
            assertEquals("{\"id\":\"x\",\"result\":true,\"error\":null}\n", readLine(channel));
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void passesPreEncodedBuffersThroughUntouched() {
        EmbeddedChannel channel = new EmbeddedChannel(new StratumEncoder());
        ByteBuf shared = Unpooled.copiedBuffer("{\"id\":null,\"method\":\"mining.notify\",\"params\":[]}\n", StandardCharsets.US_ASCII);
        ByteBuf duplicate = shared.retainedDuplicate();
        channel.writeOutbound(duplicate);
        ByteBuf out = channel.readOutbound();
        assertSame(duplicate, out);
        out.release();
        shared.release();
        assertEquals(0, shared.refCnt());
        channel.finishAndReleaseAll();
    }

    private static String readLine(EmbeddedChannel channel) {
        ByteBuf out = channel.readOutbound();
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }
}
