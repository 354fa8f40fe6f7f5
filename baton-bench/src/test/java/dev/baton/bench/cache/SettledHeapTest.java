package dev.baton.bench.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.PrimitiveIterator;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettledHeapTest {
    private static final long MIB = 1 << 20;

    /** Readings in MiB, the settled value in MiB, and how many readings it takes. */
    @ParameterizedTest(name = "readings {0} settle at {1} after {2}")
    @CsvSource(delimiter = ';', value = {
        "100 100 100 100; 100; 2",
        "300 200 100 100; 100; 4",
        "100 300 300; 100; 3",
        "500 400 300 200 100 90 80 70 60 50 40 30; 50; 10",
    })
    void settlesWhenTwoReadingsInARowAgreeAndKeepsTheLowest(String readings, long settledMib, int taken) {
        PrimitiveIterator.OfLong values = LongStream.of(mib(readings)).iterator();
        int[] count = {0};

        long settled = SettledHeap.settle(() -> {
            count[0]++;
            return values.nextLong();
        });

        assertThat(settled).isEqualTo(settledMib * MIB);
        assertThat(count[0]).isEqualTo(taken);
    }

    private static long[] mib(String readings) {
        return Arrays.stream(readings.trim().split(" +")).mapToLong(r -> Long.parseLong(r) * MIB).toArray();
    }
}
