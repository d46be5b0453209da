package io.poolkit.stratum.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A separate process of idle miners, so the server's heap can be measured without the clients' objects
 * in it: each connection subscribes and authorises (its own worker name), then stays silent.
 *
 * <p>Reads commands from stdin: a number N opens N more connections and prints {@code READY <total>}
 * once all of them are logged in ({@code FAILED <reason>} if not); {@code watch JOBID} starts watching
 * for that job's {@code mining.notify} and {@code fanout} waits until every connection has it and prints
 * {@code FANOUT <count> <first→last ms>}; {@code exit} (or end of input) closes everything and exits.
 *
 * <p>Usage: {@code IdleMiners HOST PORT ADDRESS}
 */
public final class IdleMiners {
    private static final int MAX_PENDING_CONNECTS = 64;
    private static final String NOTIFY_PREFIX = "{\"id\":null,\"method\":\"mining.notify\"";

    private static final AtomicInteger notified = new AtomicInteger();
    private static volatile String watchedJob = "no job watched yet";
    private static volatile long firstNotify;
    private static volatile long lastNotify;

    private IdleMiners() {}

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String address = args[2];
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        List<Channel> channels = new ArrayList<>();
        AtomicInteger loggedIn = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Semaphore pending = new Semaphore(MAX_PENDING_CONNECTS);
        Bootstrap bootstrap = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(64 * 1024), new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
                                String text = line.toString(StandardCharsets.UTF_8);
                                if (text.startsWith(NOTIFY_PREFIX) && text.contains(watchedJob)) {
                                    long now = System.nanoTime();
                                    if (notified.getAndIncrement() == 0) {
                                        firstNotify = now;
                                    }
                                    lastNotify = now;
                                } else if (text.startsWith("{\"id\":2,")) {
                                    if (text.contains("\"result\":true")) {
                                        loggedIn.incrementAndGet();
                                    } else {
                                        failed.incrementAndGet();
                                    }
                                    pending.release();
                                }
                            }
                        });
                    }
                });
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        int worker = 0;
        try {
            while ((command = in.readLine()) != null && !command.equals("exit")) {
                if (command.startsWith("watch ")) {
                    // The next notify of this job id: report when every connection has it.
                    watchedJob = "\"params\":[\"" + command.substring(6) + "\"";
                    notified.set(0);
                    System.out.println("WATCHING");
                    continue;
                }
                if (command.equals("fanout")) {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (notified.get() < channels.size() && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                    System.out.printf("FANOUT %d %.1f%n", notified.get(), (lastNotify - firstNotify) / 1e6);
                    continue;
                }
                int more = Integer.parseInt(command.trim());
                int target = channels.size() + more;
                for (int i = 0; i < more; i++) {
                    if (!pending.tryAcquire(30, TimeUnit.SECONDS)) {
                        System.out.println("FAILED logins stalled at " + loggedIn.get());
                        return;
                    }
                    String login = "{\"id\": 1, \"method\": \"mining.subscribe\", \"params\": [\"cpuminer/2.5.1\"]}\n"
                            + "{\"id\": 2, \"method\": \"mining.authorize\", \"params\": [\"" + address + ".w" + (worker++)
                            + "\", \"x\"]}\n";
                    Channel channel = bootstrap.connect(host, port).addListener(f -> {
                        if (f.isSuccess()) {
                            ((io.netty.channel.ChannelFuture) f).channel().writeAndFlush(
                                    Unpooled.copiedBuffer(login, StandardCharsets.UTF_8));
                        } else {
                            failed.incrementAndGet();
                            pending.release();
                        }
                    }).channel();
                    channels.add(channel);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (loggedIn.get() + failed.get() < target && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                if (failed.get() > 0 || loggedIn.get() < target) {
                    System.out.println("FAILED " + loggedIn.get() + " logged in, " + failed.get() + " failed of " + target);
                    return;
                }
                System.out.println("READY " + loggedIn.get());
            }
        } finally {
            for (Channel channel : channels) {
                channel.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
