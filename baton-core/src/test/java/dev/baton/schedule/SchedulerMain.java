package dev.baton.schedule;

import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import dev.baton.tasks.TaskMember;
import java.time.Duration;

/**
 * A worker in its own JVM, for tests that kill or freeze the elected scheduler: a
 * {@link Scheduler} and a {@link TaskMember} on one session, whose handler completes each task at
 * once. Arguments: etcd endpoint, namespace, member id, session TTL in seconds. Prints
 * {@code JOINED}, then {@code LEADS} each time it becomes the scheduler's leader and
 * {@code FOLLOWS} each time it stops leading.
 */
public final class SchedulerMain {

    private SchedulerMain() {
    }

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        String namespace = args[1];
        String id = args[2];
        Duration ttl = Duration.ofSeconds(Long.parseLong(args[3]));
        Etcd etcd = Etcd.builder().endpoints(endpoint).build();
        etcd.get(namespace).join();
        Session session = Session.builder(etcd).ttl(ttl).open();
        TaskMember.builder(session, id).namespace(namespace).handler(context -> { }).start();
        Scheduler scheduler = Scheduler.builder(session, namespace, id).start();
        print("JOINED");
        boolean leads = false;
        while (true) {
            if (scheduler.isLeader() != leads) {
                leads = !leads;
                print(leads ? "LEADS" : "FOLLOWS");
            }
            Thread.sleep(50);
        }
    }

    private static void print(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
