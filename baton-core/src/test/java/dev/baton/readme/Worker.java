package dev.baton.readme;

import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import dev.baton.session.Shutdown;
import dev.baton.tasks.TaskMember;
import java.time.Duration;

public class Worker {
    public static void main(String[] args) throws Exception {
        Etcd etcd = Etcd.builder().endpoints(args[0]).build();
        Session session = Session.builder(etcd).ttl(Duration.ofSeconds(10)).open();
        TaskMember member = TaskMember.builder(session, args[1]).namespace("myapp/")
                .handler(context -> System.out.println("ran " + context.id().value()))
                .start();
        Shutdown.awaitAndClose(etcd, session, member); // until SIGTERM; then member, session and etcd close
    }
}
