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
    /**
     * 40 MiB of heap, 40 threads (10 of them in pools): up to 48 MiB (plus 1 KiB per key gained) and
     * 39 threads outside pools pass; the pools are not judged.
     */
    private static final ResourceSample WARM = new ResourceSample("w0-0", 100, 40 * MIB, 40, 10, 80);

    private static ResourceSample end(long pid, long heap, int threads, int poolThreads, int fds) {
        return new ResourceSample("w0-0", pid, heap, threads, poolThreads, fds);
    }

    static Stream<Arguments> runs() {
        return Stream.of(
                Arguments.of("unchanged", end(100, 40 * MIB, 40, 10, 80), 0L, 1, List.of()),
                Arguments.of("grown within 10 % and the allowance", end(100, 48 * MIB, 74, 35, 96), 0L, 1, List.of()),
                Arguments.of("shrunk", end(100, 20 * MIB, 30, 5, 60), 0L, 1, List.of()),
                Arguments.of("heap leaked", end(100, 49 * MIB, 40, 10, 80), 0L, 1, List.of("live heap of w0-0 grew")),
                Arguments.of("heap grown with the cached keys", end(100, 60 * MIB, 40, 10, 80), 16_000L, 1, List.of()),
                Arguments.of("a thread outside the pools leaked", end(100, 40 * MIB, 50, 10, 80), 0L, 1,
                        List.of("threads outside pools of w0-0 grew")),
                Arguments.of("the pools grew with the last burst", end(100, 40 * MIB, 130, 100, 80), 0L, 1, List.of()),
                Arguments.of("descriptors leaked", end(100, 40 * MIB, 40, 10, 97), 0L, 1,
                        List.of("open file descriptors of w0-0 grew")),
                Arguments.of("everything leaked", end(100, 80 * MIB, 80, 40, 160), 0L, 1,
                        List.of("live heap", "threads outside pools", "open file descriptors")),
                Arguments.of("a restarted process is not compared", end(101, 80 * MIB, 80, 40, 160), 0L, 0, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void judgesGrowthOfAShortRun(String story, ResourceSample ended, long keysGained, int compared,
                                 List<String> expected) {
        CheckResult result = ResourceCheck.check(List.of(WARM), List.of(ended),
                ResourceCheck.Tolerance.shortRun(keysGained));

        assertJudged(result, compared, expected);
    }

    /**
     * The soak's: from 40 MiB, 30 threads outside the pools, 10 in them and 80 fds, up to 44 MiB
     * (the plain 10 %), 37, 19 and 89 pass.
     */
    static Stream<Arguments> steadyRuns() {
        return Stream.of(
                Arguments.of("unchanged", end(100, 40 * MIB, 40, 10, 80), List.of()),
                Arguments.of("grown within 10 % and the allowance", end(100, 44 * MIB, 56, 19, 89), List.of()),
                Arguments.of("heap grown beyond 10 %", end(100, 44 * MIB + 1, 40, 10, 80),
                        List.of("live heap of w0-0 grew")),
                Arguments.of("a growth the short run allows", end(100, 48 * MIB, 40, 10, 80),
                        List.of("live heap of w0-0 grew")),
                Arguments.of("threads outside the pools beyond the allowance", end(100, 40 * MIB, 48, 10, 80),
                        List.of("threads outside pools of w0-0 grew")),
                Arguments.of("pool threads beyond the allowance", end(100, 40 * MIB, 50, 20, 80),
                        List.of("pool threads of w0-0 grew")),
                Arguments.of("descriptors beyond the allowance", end(100, 40 * MIB, 40, 10, 90),
                        List.of("open file descriptors of w0-0 grew")),
                Arguments.of("a restarted process is not compared", end(101, 80 * MIB, 80, 40, 160), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("steadyRuns")
    void judgesTheSoakWithTheSteadyTolerance(String story, ResourceSample ended, List<String> expected) {
        CheckResult result = ResourceCheck.check(List.of(WARM), List.of(ended), ResourceCheck.Tolerance.STEADY);

        assertJudged(result, ended.pid() == WARM.pid() ? 1 : 0, expected);
    }

    private static void assertJudged(CheckResult result, int compared, List<String> expected) {
        assertThat(result.checked()).isEqualTo(compared);
        assertThat(result.violations()).extracting(Violation::summary).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(result.violations().get(i).summary()).contains(expected.get(i));
        }
    }
}
