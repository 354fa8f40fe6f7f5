package dev.baton.spring.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * {@code baton} in {@code /actuator/info}: the task namespace, the session's lease in hexadecimal
 * and its TTL, the task member's id while it runs, and the names of the elections the application
 * campaigns in. Read from this instance only, never from the store.
 */
public final class BatonInfoContributor implements InfoContributor {
    private final BatonInstance instance;

    public BatonInfoContributor(BatonInstance instance) {
        this.instance = instance;
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> baton = new LinkedHashMap<>();
        baton.put("namespace", instance.tasks().namespace());
        baton.put("lease", instance.lease());
        baton.put("ttl", instance.session().ttl().toString());
        instance.memberId().ifPresent(id -> baton.put("member", id));
        baton.put("elections", instance.campaigns().names());
        builder.withDetail("baton", baton);
    }
}
