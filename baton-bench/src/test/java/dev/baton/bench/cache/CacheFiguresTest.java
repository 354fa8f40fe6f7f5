package dev.baton.bench.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.bench.Figure;
import java.util.List;
import org.junit.jupiter.api.Test;

class CacheFiguresTest {
    private static final long MS = 1_000_000;

    private final List<Figure> figures = CacheFigures.of("cache", "heap per key, 4 keys", "Curator", 200, 400,
            new long[] {3 * MS, 1 * MS, 2 * MS}, new long[] {4 * MS, 8 * MS});

    @Test
    void heapPerKeyIsComparedSideBySide() {
        assertThat(figures.get(0)).isEqualTo(new Figure("cache", "heap per key, 4 keys", "bytes/key", 200.0, 400.0,
                "Curator", 0.5, null, null, null));
    }

    @Test
    void batonsLatencyRowHoldsBatonsPercentiles() {
        assertThat(figures.get(1)).isEqualTo(new Figure("cache", "put → listener: Baton KeyspaceCache", "ms", 2.0,
                null, null, null, 3, 2.0, 3.0));
    }

    @Test
    void curatorsLatencyRowComparesMediansAndHoldsItsOwnPercentiles() {
        assertThat(figures.get(2)).isEqualTo(new Figure("cache",
                "put → listener: Curator CuratorCache (p50/p99 its own)", "ms", 2.0, 4.0, "Curator", 0.5, 2, 4.0, 8.0));
    }

    @Test
    void heapPerKeyIsTheGrowthDividedByTheKeys() {
        assertThat(CacheHeap.perKey(1_000, 3_000, 10)).isEqualTo(200.0);
        assertThatThrownBy(() -> CacheHeap.perKey(0, 1, 0)).hasMessageContaining("got 0");
    }

    @Test
    void keysAndValuesAreTheSameForEveryStore() {
        assertThat(CachedStore.keyName(42)).isEqualTo("k0000042");
        assertThat(CachedStore.value(1, 3)).containsExactly('b', 'b', 'b');
        assertThat(Propagation.warmUp(2_000)).isEqualTo(200);
        assertThat(Propagation.warmUp(5)).isEqualTo(1);
    }
}
