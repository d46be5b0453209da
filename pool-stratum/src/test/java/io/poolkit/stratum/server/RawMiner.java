package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A miner as a plain blocking socket, for tests that need what {@code StratumClient} never does: a chosen
 * source address on 127.0.0.0/8, raw bytes (PROXY headers, garbage, lines over the limit), or no reading at
 * all. Every read waits at most a few seconds. Not thread-safe.
 */
final class RawMiner implements AutoCloseable {
    static final String SUBSCRIBE = "{\"id\": 1, \"method\": \"mining.subscribe\", \"params\": [\"raw/1\"]}";
    static final String AUTHORIZE = "{\"id\": 2, \"method\": \"mining.authorize\", \"params\": [\"" + TestJobs.WORKER
            + "\", \"x\"]}";

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private RawMiner(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects from {@code from} (any port) to 127.0.0.1:{@code port}. */
    static RawMiner connect(String from, int port) throws IOException {
        return connect(from, port, 0);
    }

    /** As {@link #connect(String, int)} with a receive buffer of {@code receiveBuffer} bytes (0: the system's). */
    static RawMiner connect(String from, int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        socket.setSoTimeout(5_000);
        socket.setTcpNoDelay(true);
        return new RawMiner(socket);
    }

    RawMiner send(String line) throws IOException {
        return sendBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    RawMiner sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** The next line from the server (without its newline); fails when none comes or the server closed. */
    String readLine() throws IOException {
        String next = nextLine();
        assertNotNull(next, "the server closed the connection");
        return next;
    }

    /** The next line that contains {@code part}, skipping others. */
    String readLineContaining(String part) throws IOException {
        for (int i = 0; i < 1000; i++) {
            String next = readLine();
            if (next.contains(part)) {
                return next;
            }
        }
        throw new AssertionError("no line with " + part + " in 1000 lines");
    }

    /** The next line, or null when the server closed the connection. */
    String nextLine() throws IOException {
        line.reset();
        while (true) {
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("nothing from the server within " + socket.getSoTimeout() + " ms", e);
            } catch (IOException e) {
                return null; // reset by the server
            }
            if (b < 0) {
                return null;
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
    }

    /** Reads (and drops) lines until the server closes the connection; fails if it stays open. */
    void awaitClosedByServer() throws IOException {
        for (int i = 0; i < 100_000; i++) {
            if (nextLine() == null) {
                return;
            }
        }
        fail("the server kept sending and never closed");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
