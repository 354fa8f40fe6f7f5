package dev.baton.examples;

import dev.baton.election.Leadership;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Operations;
import dev.baton.spring.CurrentLeadership;
import dev.baton.spring.LeaderOnly;
import dev.baton.spring.boot.BatonProperties;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The shipping report: every instance schedules it, only the leader of election {@code orders}
 * writes it. The write is fenced by the leadership, so a former leader's late run cannot overwrite
 * the current leader's report.
 */
@Component
public class ShippingReport {
    private static final Logger LOG = LoggerFactory.getLogger(ShippingReport.class);

    private final Etcd etcd;
    private final String namespace;
    private final String instance;

    public ShippingReport(Etcd etcd, BatonProperties properties, @Value("${orders.instance}") String instance) {
        this.etcd = etcd;
        this.namespace = properties.namespace();
        this.instance = instance;
    }

    @LeaderOnly("orders")
    @Scheduled(fixedDelayString = "${orders.report-interval}")
    public void write() throws Exception {
        Leadership leadership = CurrentLeadership.get();
        long shipped = etcd.range(KeyRange.prefix(namespace + "shipped/")).get().kvs().size();
        etcd.txn(List.of(leadership.fence()),
                List.of(Operations.put(namespace + "report", instance + ": " + shipped + " orders shipped", 0)),
                List.of()).get();
        LOG.info("{} (leader, token {}) reported {} orders shipped", instance, leadership.token(), shipped);
    }
}
