package dev.baton.readme;

import dev.baton.election.Election;
import dev.baton.election.Leadership;
import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import java.time.Duration;

public class Hello {
    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        String name = args[1];
        try (Etcd etcd = Etcd.builder().endpoints(endpoint).build();
             Session session = Session.builder(etcd).ttl(Duration.ofSeconds(5)).open()) {
            etcd.put("hello/members/" + name, "up", session.lease()).get();
            Leadership leadership = Election.on(session, "hello/leader").campaign(name, Duration.ofSeconds(30));
            System.out.println(name + " leads with fencing token " + leadership.token());
            leadership.resign().get();
        }
    }
}
