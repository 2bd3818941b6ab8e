package io.meshchain.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on one peer link (from one node to another), which the test controls: pass traffic,
 * cut the link (open connections are closed, new ones refused), delay every response, or drop each
 * connection in the middle of a response.
 */
final class FaultProxy implements AutoCloseable {

    /** Bytes of a response let through before a connection is dropped in {@link Mode#DROP_MID_RESPONSE}. */
    static final int DROP_AFTER_BYTES = 100;

    enum Mode { PASS, CUT, DELAY, DROP_MID_RESPONSE }

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.PASS;
    private volatile long delayMillis;
    private volatile boolean closed;
    private final AtomicLong requestBytes = new AtomicLong();
    private final AtomicLong responseBytes = new AtomicLong();

    FaultProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "proxy-" + server.getLocalPort() + "-to-" + targetPort);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    int port() {
        return server.getLocalPort();
    }

    void pass() {
        mode = Mode.PASS;
    }

    void cut() {
        mode = Mode.CUT;
        closeOpenConnections();
    }

    /** Holds back every chunk of every response for {@code millis}. */
    void delay(long millis) {
        delayMillis = millis;
        mode = Mode.DELAY;
    }

    void dropMidResponse() {
        mode = Mode.DROP_MID_RESPONSE;
        closeOpenConnections();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (mode == Mode.CUT) {
                quietlyClose(client);
                continue;
            }
            Socket target = new Socket();
            try {
                target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 1_000);
            } catch (IOException e) {
                quietlyClose(client);
                quietlyClose(target);
                continue;
            }
            open.add(client);
            open.add(target);
            start(() -> pump(client, target, false));
            start(() -> pump(target, client, true));
        }
    }

    private static void start(Runnable pump) {
        Thread thread = new Thread(pump, "proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private void pump(Socket from, Socket to, boolean response) {
        byte[] buffer = new byte[16 * 1024];
        long forwarded = 0;
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                Mode now = mode;
                if (now == Mode.CUT) {
                    break;
                }
                if (response && now == Mode.DELAY) {
                    // The injected fault itself: the peer answers, but late.
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(delayMillis));
                }
                if (response && now == Mode.DROP_MID_RESPONSE) {
                    int allowed = (int) Math.max(0, Math.min(n, DROP_AFTER_BYTES - forwarded));
                    out.write(buffer, 0, allowed);
                    out.flush();
                    break;
                }
                out.write(buffer, 0, n);
                out.flush();
                forwarded += n;
                (response ? responseBytes : requestBytes).addAndGet(n);
            }
        } catch (IOException e) {
            // One side hung up; close both below.
        } finally {
            quietlyClose(from);
            quietlyClose(to);
            open.remove(from);
            open.remove(to);
        }
    }

    /** Bytes passed from the caller to the target so far. */
    long requestBytes() {
        return requestBytes.get();
    }

    /** Bytes passed from the target back to the caller so far. */
    long responseBytes() {
        return responseBytes.get();
    }

    private void closeOpenConnections() {
        open.forEach(FaultProxy::quietlyClose);
        open.clear();
    }

    private static void quietlyClose(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        closeOpenConnections();
    }
}
