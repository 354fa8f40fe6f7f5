package dev.baton.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.chaos.history.ResourceSample;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResourceCheckTest {

    private static final long MIB = 1024 * 1024;
    private static final ResourceSample WARM = new ResourceSample("w0-0", 100, 40 * MIB, 40, 80);

    private static ResourceSample end(long pid, long heap, int threads, int fds) {
        return new ResourceSample("w0-0", pid, heap, threads, fds);
    }

    static Stream<Arguments> runs() {
        return Stream.of(
                Arguments.of("unchanged", end(100, 40 * MIB, 40, 80), 1, List.of()),
                Arguments.of("grown within 10 % and the allowance", end(100, 48 * MIB, 76, 96), 1, List.of()),
                Arguments.of("shrunk", end(100, 20 * MIB, 30, 60), 1, List.of()),
                Arguments.of("heap leaked", end(100, 49 * MIB, 40, 80), 1, List.of("live heap of w0-0 grew")),
                Arguments.of("threads leaked", end(100, 40 * MIB, 77, 80), 1, List.of("threads of w0-0 grew")),
                Arguments.of("descriptors leaked", end(100, 40 * MIB, 40, 97), 1,
                        List.of("open file descriptors of w0-0 grew")),
                Arguments.of("everything leaked", end(100, 80 * MIB, 80, 160), 1,
                        List.of("live heap", "threads", "open file descriptors")),
                Arguments.of("a restarted process is not compared", end(101, 80 * MIB, 80, 160), 0, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void judgesGrowth(String story, ResourceSample ended, int compared, List<String> expected) {
        CheckResult result = ResourceCheck.check(List.of(WARM), List.of(ended));

        assertThat(result.checked()).isEqualTo(compared);
        assertThat(result.violations()).extracting(Violation::summary).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(result.violations().get(i).summary()).contains(expected.get(i));
        }
    }
}
