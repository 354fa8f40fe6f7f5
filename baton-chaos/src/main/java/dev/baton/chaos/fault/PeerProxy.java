package dev.baton.chaos.fault;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A proxy in front of one etcd member's peer port that can refuse the traffic of chosen peers,
 * so that one member can be cut off from the others while every member still serves its clients.
 *
 * <p>Every member dials the same address for a given peer, so the proxy tells senders apart by
 * the {@code X-Server-From} header (the sender's member id, in hex) that etcd's raft transport
 * puts on each request of its streams and pipelined messages; one connection only ever carries
 * one sender's requests. A connection whose first request names no sender (a version probe, a
 * lease renewal forwarded to the leader) counts as sender {@code ""}. Refused connections are
 * reset, open ones as soon as their sender is refused.
 */
final class PeerProxy implements AutoCloseable {

    private static final String SENDER_HEADER = "x-server-from:";
    private static final int MAX_HEAD = 16 * 1024;

    private final int targetPort;
    private final ServerSocket server;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private volatile Predicate<String> refused = sender -> false;
    private volatile boolean closed;

    private PeerProxy(int targetPort, ServerSocket server) {
        this.targetPort = targetPort;
        this.server = server;
    }

    /** Starts a proxy on a free loopback port that forwards to the peer port {@code targetPort}. */
    static PeerProxy start(int targetPort) {
        try {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            PeerProxy proxy = new PeerProxy(targetPort, server);
            daemon("chaos-peer-proxy-" + proxy.port(), proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a peer proxy port for " + targetPort, e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** Resets the open connections of every sender {@code senders} accepts, and refuses its new ones. */
    void refuse(Predicate<String> senders) {
        refused = senders;
        links.stream().filter(link -> senders.test(link.sender)).forEach(Link::close);
    }

    /** Forwards every sender's traffic again. */
    void heal() {
        refused = sender -> false;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // Closing the listener is all that is left to do.
        }
        links.forEach(Link::close);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                daemon("chaos-peer-proxy-" + port() + "-link", () -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        Link link = new Link(client);
        try {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            link.sender = sender(head);
            links.add(link);
            if (refused.test(link.sender) || closed) {
                link.close();
                return;
            }
            link.upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
            link.upstream.getOutputStream().write(head);
            daemon("chaos-peer-proxy-" + port() + "-back", () -> link.pump(link.upstream, client));
            link.pump(client, link.upstream);
        } catch (IOException e) {
            link.close();
        }
    }

    /** The bytes up to the end of the first request's headers (or all there are, when shorter). */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4 && head.size() < MAX_HEAD) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toByteArray();
    }

    private static String sender(byte[] head) {
        for (String line : new String(head, StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith(SENDER_HEADER)) {
                return line.substring(SENDER_HEADER.length()).trim();
            }
        }
        return "";
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** One peer connection and its connection to the member. */
    private final class Link {
        final Socket client;
        final Socket upstream = new Socket();
        volatile String sender = "";

        Link(Socket client) {
            this.client = client;
        }

        void pump(Socket from, Socket to) {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    out.write(buffer, 0, read);
                }
            } catch (IOException e) {
                // The other side went away or the link was reset: close both below.
            }
            close();
        }

        void close() {
            links.remove(this);
            reset(client);
            reset(upstream);
        }

        private void reset(Socket socket) {
            try {
                socket.setSoLinger(true, 0);
                socket.close();
            } catch (IOException e) {
                // Already closed.
            }
        }
    }
}
