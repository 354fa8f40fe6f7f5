package dev.baton.chaos.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.chaos.history.ResourceSample;
import dev.baton.testkit.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceProbeTest {
    /** Four samples: the serial collector compacts fully on one full GC in four. */
    private static final int SAMPLES = 4;
    /** The 8,000 KiB the child drops; without the sampled options, up to 5 % of the old generation stays as filler. */
    private static final long DEAD_BYTES = 2_000 * 4 * 1024;

    @TempDir
    Path scratch;

    @Test
    void aSampledProcessReportsTheSameLiveHeapFromEveryFullGc() throws Exception {
        List<Long> heaps = heaps(ResourceProbe.sampledJvmArgs());

        assertThat(spread(heaps)).as("live heap of each sample: %s", heaps).isLessThan(DEAD_BYTES / 20);
    }

    @Test
    void withoutTheSampledOptionsFullGcsLeaveDeadSpaceThatCountsAsLive() throws Exception {
        List<Long> heaps = heaps();

        assertThat(spread(heaps)).as("live heap of each sample: %s", heaps).isGreaterThan(DEAD_BYTES / 8);
    }

    private static long spread(List<Long> heaps) {
        return heaps.stream().mapToLong(Long::longValue).max().orElseThrow()
                - heaps.stream().mapToLong(Long::longValue).min().orElseThrow();
    }

    private List<Long> heaps(String... jvmArgs) throws Exception {
        try (ChildJvm child = ChildJvm.builder(FragmentedHeap.class).jvmArgs("-Xmx64m").jvmArgs(jvmArgs).start()) {
            child.awaitLine("^ready ", Duration.ofSeconds(60));
            List<Long> heaps = new ArrayList<>();
            for (int i = 0; i < SAMPLES; i++) {
                List<ResourceSample> sampled = ResourceProbe.sample(Map.of("child", child.pid()), scratch);
                assertThat(sampled).hasSize(1);
                heaps.add(sampled.get(0).liveHeap());
            }
            return heaps;
        }
    }
}
