package dev.baton.schedule;

import dev.baton.session.Session;
import dev.baton.tasks.MemberArgs;
import dev.baton.tasks.TaskMember;

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
        MemberArgs member = MemberArgs.parse(args);
        Session session = member.openSession();
        TaskMember.builder(session, member.id()).namespace(member.namespace()).handler(context -> { }).start();
        Scheduler scheduler = Scheduler.builder(session, member.namespace(), member.id()).start();
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
