package dev.baton.session;

import dev.baton.etcd.Etcd;
import java.time.Duration;

/** A worker for {@link ShutdownTest}: registers under a long lease, then waits for its shutdown. */
public final class ShutdownWorkerMain {
    private ShutdownWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        Etcd etcd = Etcd.builder().endpoints(args[0]).build();
        Session session = Session.builder(etcd).ttl(Duration.ofSeconds(60)).open();
        etcd.put("workers/" + args[1], "up", session.lease()).get();
        System.out.println("REGISTERED " + Long.toHexString(session.lease()));
        Shutdown.awaitAndClose(etcd, session);
    }
}
