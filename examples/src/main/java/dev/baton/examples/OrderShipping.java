package dev.baton.examples;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.Operations;
import dev.baton.spring.boot.BatonProperties;
import dev.baton.tasks.TaskContext;
import dev.baton.tasks.TaskHandler;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Ships one order per task: the starter finds this bean and runs it in the instance's task member.
 * The shipment record is written fenced by the task's claim, so a run whose claim was lost (its
 * instance paused past its TTL, the order reassigned) cannot record a second shipment.
 */
@Component
public class OrderShipping implements TaskHandler {
    private static final Logger LOG = LoggerFactory.getLogger(OrderShipping.class);
    /** What packing an order takes here; long enough for a fleet to spread the orders. */
    private static final Duration PACKING = Duration.ofMillis(50);

    private final Etcd etcd;
    private final String namespace;

    public OrderShipping(Etcd etcd, BatonProperties properties) {
        this.etcd = etcd;
        this.namespace = properties.namespace();
    }

    @Override
    public void run(TaskContext context) throws Exception {
        if (context.awaitStop(PACKING)) {
            context.throwIfStopRequested();
        }
        etcd.txn(List.of(context.fence()),
                List.of(Operations.put(namespace + "shipped/" + context.id().value(), context.member(), 0)),
                List.of()).get();
        LOG.info("{} shipped {}", context.member(), context.id().value());
    }
}
