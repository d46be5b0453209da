package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Network;
import io.poolkit.core.guard.ConnectionGuard;
import io.poolkit.core.guard.GuardSettings;
import io.poolkit.core.guard.RefuseReason;
import io.poolkit.stratum.testing.LeakTracking;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PROXY protocol listeners (v1 text and v2 binary headers, as HAProxy sends them): the session, the guard's
 * limits and bans and the logs see the client the header names; LOCAL headers keep the proxy's address; a
 * connection without a valid header, or from a source that is not a trusted proxy, is closed and counted.
 */
@ExtendWith(LeakTracking.class)
@Timeout(60)
class ProxyProtocolTest {
    private static final byte[] V2_SIGNATURE = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};

    private final List<RawMiner> miners = new ArrayList<>();
    private StratumServer server;

    @AfterEach
    void close() throws Exception {
        for (RawMiner miner : miners) {
            miner.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private StratumServer.Builder builder(GuardSettings guard) {
        return StratumServer.builder().host("127.0.0.1").port(0).network(Network.REGTEST)
                .shareValidator(new ScriptedValidator()).workerThreads(1).proxyProtocol(true)
                .guard(new ConnectionGuard(guard, Clock.systemUTC()));
    }

    private RawMiner miner(String from) throws Exception {
        RawMiner miner = RawMiner.connect(from, server.port());
        miners.add(miner);
        return miner;
    }

    /** Sends {@code header} and a subscribe in one write, as a proxy forwarding a fast client does. */
    private RawMiner subscribedVia(byte[] header) throws Exception {
        RawMiner miner = miner("127.0.0.1");
        miner.sendBytes(concat(header, (RawMiner.SUBSCRIBE + "\n").getBytes(StandardCharsets.UTF_8)));
        assertTrue(miner.readLine().startsWith("{\"id\":1,\"result\":[["), "subscribed");
        return miner;
    }

    private void assertClosedWithoutAnswer(RawMiner miner, byte[] bytes) throws Exception {
        try {
            miner.sendBytes(bytes);
        } catch (java.io.IOException e) {
            return;
        }
        assertEquals(null, miner.nextLine(), "closed without a Stratum answer");
    }

    static byte[] v1(String family, String source, String destination, int sourcePort, int destinationPort) {
        return ("PROXY " + family + " " + source + " " + destination + " " + sourcePort + " " + destinationPort + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** A v2 PROXY (command 1) header over TCP for IPv4 or IPv6 addresses. */
    static byte[] v2(String source, String destination, int sourcePort, int destinationPort) throws Exception {
        byte[] src = InetAddress.getByName(source).getAddress();
        byte[] dst = InetAddress.getByName(destination).getAddress();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(V2_SIGNATURE);
        out.write(0x21); // version 2, PROXY
        out.write(src.length == 4 ? 0x11 : 0x21); // TCP over IPv4 / IPv6
        int length = 2 * src.length + 4;
        out.write(length >> 8);
        out.write(length);
        out.writeBytes(src);
        out.writeBytes(dst);
        out.write(sourcePort >> 8);
        out.write(sourcePort);
        out.write(destinationPort >> 8);
        out.write(destinationPort);
        return out.toByteArray();
    }

    /** A v2 LOCAL header: a proxy's own connection (a health check), no addresses. */
    static byte[] v2Local() {
        byte[] header = new byte[16];
        System.arraycopy(V2_SIGNATURE, 0, header, 0, 12);
        header[12] = 0x20;
        return header;
    }

    /** The peers the server's sessions know, read on their event loops. */
    private List<SocketAddress> peers() throws Exception {
        List<SocketAddress> peers = Collections.synchronizedList(new ArrayList<>());
        server.core().onEveryLoop(loop -> {
            for (int i = 0; i < loop.sessionCount(); i++) {
                peers.add(loop.session(i).remote());
            }
        }).get(5, TimeUnit.SECONDS);
        return peers;
    }

    @Test
    void aV1HeaderNamesTheClientForTheSessionAndTheGuard() throws Exception {
        server = builder(GuardSettings.builder().maxConnectionsPerAddress(1).build()).build().start();
        subscribedVia(v1("TCP4", "203.0.113.7", "127.0.0.1", 40000, server.port()));
        assertEquals(List.of(new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 40000)), peers());

        // The per-address cap counts 203.0.113.7, not the proxy's 127.0.0.1 that every connection comes from.
        RawMiner second = miner("127.0.0.1");
        assertClosedWithoutAnswer(second, concat(v1("TCP4", "203.0.113.7", "127.0.0.1", 40001, server.port()),
                (RawMiner.SUBSCRIBE + "\n").getBytes(StandardCharsets.UTF_8)));
        subscribedVia(v1("TCP4", "203.0.113.8", "127.0.0.1", 40002, server.port()));
        assertEquals(1, server.stats().guard().refused(RefuseReason.ADDRESS_LIMIT));

        // A ban on the header's address closes that client's next connection, whichever proxy it comes through.
        server.guard().ban(InetAddress.getByName("203.0.113.9"), Duration.ofMinutes(5), "test");
        RawMiner banned = miner("127.0.0.1");
        assertClosedWithoutAnswer(banned, v1("TCP4", "203.0.113.9", "127.0.0.1", 40003, server.port()));
        assertEquals(1, server.stats().guard().refused(RefuseReason.BANNED));
        assertEquals(2, server.stats().connectionsRefused());
        assertEquals(2, server.stats().sessionsSubscribed());
    }

    @Test
    void v2HeadersForIpv4AndIpv6NameTheClient() throws Exception {
        server = builder(GuardSettings.defaults()).build().start();
        subscribedVia(v2("192.0.2.10", "127.0.0.1", 1234, server.port()));
        subscribedVia(v2("2001:db8::1", "2001:db8::2", 5555, server.port()));
        List<SocketAddress> peers = peers();
        assertEquals(2, peers.size());
        assertTrue(peers.contains(new InetSocketAddress(InetAddress.getByName("192.0.2.10"), 1234)), peers.toString());
        assertTrue(peers.contains(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 5555)), peers.toString());
        assertEquals(2, server.stats().guard().connections());
        for (RawMiner miner : miners) {
            miner.close();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.stats().guard().connections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertEquals(0, server.stats().guard().connections(), "the guard hears of every close");
    }

    @Test
    void aLocalHeaderKeepsTheProxysOwnAddress() throws Exception {
        server = builder(GuardSettings.defaults()).build().start();
        RawMiner miner = subscribedVia(v2Local());
        assertEquals(List.of(miner.socket.getLocalSocketAddress()), peers());
    }

    @Test
    void aConnectionWithoutAValidHeaderIsClosed() throws Exception {
        server = builder(GuardSettings.defaults()).build().start();
        assertClosedWithoutAnswer(miner("127.0.0.1"), (RawMiner.SUBSCRIBE + "\n").getBytes(StandardCharsets.UTF_8));
        assertClosedWithoutAnswer(miner("127.0.0.1"), "PROXY TCP4 not-an-address\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] truncated = v2("192.0.2.10", "127.0.0.1", 1234, server.port());
        truncated[13] = 0x11;
        truncated[15] = 4; // claims 4 bytes of addresses, too few for IPv4
        assertClosedWithoutAnswer(miner("127.0.0.1"), truncated);
        awaitRefused(3); // Netty's decoder closes a bad header's connection itself, a moment before it is counted

        assertEquals(0, server.stats().connectionsTotal(), "no session was made for any of them");
        subscribedVia(v1("TCP4", "203.0.113.7", "127.0.0.1", 40000, server.port()));
    }

    @Test
    void aHeaderThatNeverComesTimesOut() throws Exception {
        server = builder(GuardSettings.defaults()).subscribeTimeout(Duration.ofMillis(300)).build().start();
        RawMiner silent = miner("127.0.0.1");
        assertEquals(null, silent.nextLine(), "closed by the server");
        awaitRefused(1);
    }

    @Test
    void onlyTrustedProxiesMayConnect() throws Exception {
        server = builder(GuardSettings.defaults()).trustedProxies("127.0.0.2", "10.0.0.0/8").build().start();
        assertClosedWithoutAnswer(miner("127.0.0.3"), v1("TCP4", "203.0.113.7", "127.0.0.1", 40000, server.port()));
        RawMiner trusted = miner("127.0.0.2");
        trusted.sendBytes(concat(v1("TCP4", "203.0.113.7", "127.0.0.1", 40000, server.port()),
                (RawMiner.SUBSCRIBE + "\n").getBytes(StandardCharsets.UTF_8)));
        assertTrue(trusted.readLine().startsWith("{\"id\":1,\"result\":[["));
        assertEquals(1, server.stats().connectionsRefused());
    }

    @Test
    void aPlainListenerBesideAProxyListenerTakesNoHeader() throws Exception {
        server = builder(GuardSettings.defaults())
                .listener(StratumListener.builder().host("127.0.0.1").port(0).build()).build().start();
        RawMiner direct = RawMiner.connect("127.0.0.1", server.localAddresses().get(1).getPort());
        miners.add(direct);
        direct.send(RawMiner.SUBSCRIBE);
        assertTrue(direct.readLine().startsWith("{\"id\":1,\"result\":[["));
        assertEquals(List.of(direct.socket.getLocalSocketAddress()), peers());
    }

    private void awaitRefused(long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.stats().connectionsRefused() < count && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertEquals(count, server.stats().connectionsRefused());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
