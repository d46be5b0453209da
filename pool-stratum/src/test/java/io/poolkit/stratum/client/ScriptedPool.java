package io.poolkit.stratum.client;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.poolkit.stratum.codec.StratumDecoder;
import io.poolkit.stratum.codec.StratumFrameDecoder;
import io.poolkit.stratum.codec.StratumMessage;
import io.poolkit.stratum.codec.StratumRequest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A small pool on 127.0.0.1 whose answers are a script: it records every message it receives and lets
 * the script answer requests with raw lines, e.g. ckpool's recorded lines.
 */
final class ScriptedPool implements AutoCloseable {
    /** Answers one request on one connection (runs on the pool's event loop). */
    interface Script {
        void onRequest(Connection connection, StratumRequest request);
    }

    /** One accepted client connection. */
    static final class Connection {
        private final Channel channel;

        Connection(Channel channel) {
            this.channel = channel;
        }

        void sendLine(String line) {
            channel.writeAndFlush(channel.alloc().buffer().writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8)));
        }

        void send(Consumer<ByteBuf> writer) {
            ByteBuf out = channel.alloc().buffer();
            writer.accept(out);
            channel.writeAndFlush(out);
        }

        void close() {
            channel.close();
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<StratumMessage> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<Connection> connections = new LinkedBlockingQueue<>();
    private final Channel server;
    private volatile Script script;

    ScriptedPool(Script script) {
        this.script = script;
        StratumDecoder decoder = new StratumDecoder();
        this.server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Connection connection = new Connection(ch);
                        connections.add(connection);
                        ch.pipeline().addLast(new StratumFrameDecoder(), decoder, new SimpleChannelInboundHandler<StratumMessage>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, StratumMessage msg) {
                                received.add(msg);
                                if (msg instanceof StratumRequest request) {
                                    ScriptedPool.this.script.onRequest(connection, request);
                                }
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0)
                .syncUninterruptibly()
                .channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    void script(Script script) {
        this.script = script;
    }

    /** The next message the pool received; fails after 5 s. */
    StratumMessage nextReceived() throws InterruptedException {
        StratumMessage message = received.poll(5, TimeUnit.SECONDS);
        assertNotNull(message, "the pool received nothing within 5 s");
        return message;
    }

    /** The next accepted connection; fails after 5 s. */
    Connection nextConnection() throws InterruptedException {
        Connection connection = connections.poll(5, TimeUnit.SECONDS);
        assertNotNull(connection, "no connection within 5 s");
        return connection;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
