package dev.baton.testkit;

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
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on a free loopback port that forwards to one target and can fail on command.
 *
 * <ul>
 *   <li>{@link #cut()} resets every open connection and resets each new one right after
 *       accepting it, like a peer that has gone away: clients fail fast.</li>
 *   <li>{@link #freeze()} keeps connections open but stops moving bytes in both directions,
 *       like a network partition: clients time out. New connections are accepted and stall too.</li>
 *   <li>{@link #freeze(Direction)} stops one direction only, like an asymmetric partition:
 *       requests reach the target but its answers are held ({@link Direction#TO_CLIENT}), or
 *       the reverse.</li>
 *   <li>{@link #heal()} returns to forwarding; bytes held during a freeze are delivered.</li>
 * </ul>
 *
 * <p>It copies bytes and knows no protocol, so HTTP/2 gRPC streams (jetcd, etcdctl) pass
 * through unchanged. Each connection uses two named daemon threads, one per direction.
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.start("127.0.0.1", etcd.clientPort())) {
 *     // point the client at proxy.endpoint()
 *     proxy.cut();
 *     proxy.heal();
 * }
 * }</pre>
 */
public final class TcpProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpProxy.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final long CLOSE_JOIN_MILLIS = 5_000;

    /** One direction of the proxied connections. */
    public enum Direction {
        /** Bytes the client sends: its requests. */
        TO_TARGET,
        /** Bytes the target sends: its answers. */
        TO_CLIENT
    }

    private enum Mode { FORWARD, FROZEN, FROZEN_TO_TARGET, FROZEN_TO_CLIENT, CUT }

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionIds = new AtomicInteger();
    private final Object gate = new Object();
    private volatile Mode mode = Mode.FORWARD;
    private volatile boolean closed;

    private TcpProxy(String targetHost, int targetPort, ServerSocket server) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "baton-proxy-" + server.getLocalPort() + "-accept");
        this.acceptor.setDaemon(true);
    }

    /** Starts a proxy on a free 127.0.0.1 port that forwards to {@code host:port}. */
    public static TcpProxy start(String host, int port) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("target host must not be blank: '" + host + "'");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("target port must be in 1..65535: " + port);
        }
        try {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
            TcpProxy proxy = new TcpProxy(host, port, server);
            proxy.acceptor.start();
            LOG.debug("proxy 127.0.0.1:{} -> {}:{} started", proxy.port(), host, port);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a proxy port for " + host + ":" + port, e);
        }
    }

    /** The port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port()>}, the URL to give jetcd or etcdctl instead of the target's. */
    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** Connections currently open through the proxy. */
    public int openConnections() {
        return links.size();
    }

    /** Resets all open connections and every new one until {@link #heal()}. */
    public void cut() {
        setMode(Mode.CUT);
        for (Link link : links) {
            link.close(true);
        }
    }

    /** Stops forwarding bytes on all connections, open and new, until {@link #heal()}. */
    public void freeze() {
        setMode(Mode.FROZEN);
    }

    /**
     * Stops forwarding bytes in {@code direction} only, on all connections, open and new, until
     * {@link #heal()}; the other direction keeps flowing.
     */
    public void freeze(Direction direction) {
        setMode(direction == Direction.TO_TARGET ? Mode.FROZEN_TO_TARGET : Mode.FROZEN_TO_CLIENT);
    }

    /** Forwards again; connections that were frozen resume with the bytes they held. */
    public void heal() {
        setMode(Mode.FORWARD);
    }

    /** Stops listening and closes every connection; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing proxy port {} failed", port(), e);
        }
        for (Link link : links) {
            link.close(false);
        }
        synchronized (gate) {
            gate.notifyAll();
        }
        try {
            acceptor.join(CLOSE_JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "TcpProxy[127.0.0.1:" + port() + " -> " + targetHost + ":" + targetPort + " " + mode + "]";
    }

    private void setMode(Mode next) {
        synchronized (gate) {
            if (mode != next) {
                LOG.info("proxy {} -> {}:{}: {}", port(), targetHost, targetPort, next);
            }
            mode = next;
            gate.notifyAll();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("proxy {} stopped accepting", port(), e);
                }
                return;
            }
            if (mode == Mode.CUT || closed) {
                reset(client);
                continue;
            }
            Link link = new Link(client, connectionIds.incrementAndGet());
            links.add(link);
            if (mode == Mode.CUT) {
                // cut() ran between the mode check and add(); it may not have seen this link.
                link.close(true);
                continue;
            }
            link.start();
        }
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // Falls back to an orderly close below.
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing more can be done with a socket that fails to close.
        }
    }

    /**
     * Blocks while {@code direction} is frozen; returns false when the link should stop instead
     * of forwarding.
     */
    private boolean awaitForwarding(Link link, Direction direction) throws InterruptedException {
        Mode frozenHere = direction == Direction.TO_TARGET ? Mode.FROZEN_TO_TARGET : Mode.FROZEN_TO_CLIENT;
        synchronized (gate) {
            while ((mode == Mode.FROZEN || mode == frozenHere) && !link.closed && !closed) {
                gate.wait();
            }
            return mode != Mode.CUT && mode != Mode.FROZEN && mode != frozenHere && !link.closed && !closed;
        }
    }

    /** One client connection and its upstream connection. */
    private final class Link {
        private final Socket client;
        private final String name;
        private final AtomicInteger pumpsDone = new AtomicInteger();
        private volatile Socket upstream;
        private volatile boolean closed;

        Link(Socket client, int id) {
            this.client = client;
            this.name = "baton-proxy-" + port() + "-" + id;
        }

        void start() {
            Thread toTarget = new Thread(this::connectAndPump, name + "-to-target");
            toTarget.setDaemon(true);
            toTarget.start();
        }

        private void connectAndPump() {
            try {
                Socket target = new Socket();
                upstream = target;
                target.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                target.connect(new InetSocketAddress(targetHost, targetPort), CONNECT_TIMEOUT_MILLIS);
            } catch (IOException e) {
                LOG.debug("{}: cannot reach {}:{}: {}", name, targetHost, targetPort, e.toString());
                close(true);
                return;
            }
            if (closed) {
                close(true);
                return;
            }
            Thread toClient = new Thread(() -> pump(upstream, client, Direction.TO_CLIENT), name + "-to-client");
            toClient.setDaemon(true);
            toClient.start();
            pump(client, upstream, Direction.TO_TARGET);
        }

        private void pump(Socket from, Socket to, Direction direction) {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (true) {
                    int read = in.read(buffer);
                    if (read < 0) {
                        if (!to.isClosed()) {
                            to.shutdownOutput();
                        }
                        break;
                    }
                    if (!awaitForwarding(this, direction)) {
                        break;
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                close(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close(true);
            }
            if (pumpsDone.incrementAndGet() == 2 || closed || mode == Mode.CUT) {
                close(mode == Mode.CUT);
            }
        }

        void close(boolean reset) {
            if (closed) {
                return;
            }
            closed = true;
            links.remove(this);
            synchronized (gate) {
                gate.notifyAll();
            }
            closeSocket(client, reset);
            Socket target = upstream;
            if (target != null) {
                closeSocket(target, reset);
            }
        }

        private void closeSocket(Socket socket, boolean reset) {
            if (reset) {
                TcpProxy.reset(socket);
            } else {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Nothing more can be done with a socket that fails to close.
                }
            }
        }
    }
}
