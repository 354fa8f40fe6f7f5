package dev.baton.tasks;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.Operations;
import dev.baton.session.Session;
import dev.baton.session.SessionState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A task member in its own JVM, for tests that kill or freeze it. Arguments: etcd endpoint,
 * namespace, member id, session TTL in seconds. Each task runs until stopped (never finishing) and, every 100 ms,
 * writes {@code <namespace>app/<task>} = {@code <member>:<n>} guarded by the claim's fence.
 * Prints {@code JOINED}, {@code RUNNING <task>}, {@code FENCED <task>} (a guarded write refused),
 * {@code STOPPED <task> <reason>} and {@code SESSION LOST}.
 */
public final class MemberMain {

    private MemberMain() {
    }

    public static void main(String[] args) throws Exception {
        MemberArgs member = MemberArgs.parse(args);
        String namespace = member.namespace();
        String id = member.id();
        Session session = member.openSession();
        Etcd etcd = session.etcd();
        session.addListener((state, lease) -> {
            if (state == SessionState.LOST) {
                print("SESSION LOST " + Long.toHexString(lease));
            }
        });
        TaskMember.builder(session, id).namespace(namespace).handler(context -> {
            print("RUNNING " + context.id());
            String key = namespace + "app/" + context.id();
            for (int n = 0; !context.awaitStop(Duration.ofMillis(100)); n++) {
                byte[] value = (id + ":" + n).getBytes(StandardCharsets.UTF_8);
                boolean written = etcd.txn(List.of(context.fence()), List.of(Operations.put(key, value, 0)), List.of())
                        .join().succeeded();
                if (!written) {
                    print("FENCED " + context.id());
                }
            }
            print("STOPPED " + context.id() + " " + context.stopReason().orElseThrow());
            context.throwIfStopRequested();
        }).start();
        print("JOINED");
        Thread.currentThread().join();
    }

    private static void print(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
