package dev.baton.server.fuzz;

import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * A generated sequence of requests, shown one per line and cut short in a failure report.
 *
 * @param requests API requests of {@link HostileRequests#request()}, or watch requests
 */
public record RequestSequence<T extends Message>(List<T> requests) {

    /** Sequences of 1 to 12 requests of the KV, Lease and Maintenance services. */
    public static Arbitrary<RequestSequence<Message>> apiRequests(boolean etcdSafe) {
        return Arbitraries.randomValue(random -> {
            HostileRequests source = new HostileRequests(random, etcdSafe);
            List<Message> requests = new ArrayList<>();
            int count = 1 + random.nextInt(12);
            for (int i = 0; i < count; i++) {
                requests.add(source.request());
            }
            return new RequestSequence<>(requests);
        });
    }

    @Override
    public String toString() {
        return requests.stream().map(ApiCalls::describe).collect(Collectors.joining("\n  ", "[\n  ", "\n]"));
    }
}
