package dev.baton.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.etcd.KeyValue;
import dev.baton.etcd.RangeResult;
import dev.baton.etcd.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How contents change, and which view changes they report, for watch events and reloads. */
class CacheContentsTest {
    private final AtomicInteger decoded = new AtomicInteger();
    private final Decoding<String> decoding = new Decoding<>("p/", (key, value) -> {
        decoded.incrementAndGet();
        String text = new String(value, StandardCharsets.UTF_8);
        if (text.startsWith("bad")) {
            throw new IllegalArgumentException("refused " + text);
        }
        return text;
    });

    private static KeyValue kv(String key, String value, long create, long mod) {
        return new KeyValue(key, value.getBytes(StandardCharsets.UTF_8), create, mod, mod - create + 1, 0);
    }

    private static WatchEvent put(String key, String value, long create, long mod) {
        return new WatchEvent(WatchEvent.Type.PUT, kv(key, value, create, mod));
    }

    private static WatchEvent delete(String key, long mod) {
        return new WatchEvent(WatchEvent.Type.DELETE, new KeyValue(key, new byte[0], 0, mod, 0, 0));
    }

    private static List<String> describe(List<KeyChange<String>> changes) {
        return changes.stream().map(c -> c.key() + " " + c.before() + "->" + c.after()
                + (c.error() != null ? " error" : "") + " @" + c.revision()).toList();
    }

    private CacheContents load(KeyValue... kvs) {
        long revision = 0;
        for (KeyValue kv : kvs) {
            revision = Math.max(revision, kv.modRevision());
        }
        return CacheContents.EMPTY.reload(new RangeResult(revision, List.of(kvs)), decoding, new ArrayList<>());
    }

    @Test
    void watchEventsAddChangeAndRemoveKeysAndAdvanceTheRevision() {
        CacheContents start = load(kv("p/a", "1", 2, 2));
        List<KeyChange<String>> changes = new ArrayList<>();

        CacheContents after = start.apply(List.of(put("p/b", "1", 3, 3), put("p/a", "2", 2, 4), delete("p/b", 5),
                delete("p/never", 6)), decoding, changes);

        assertThat(describe(changes)).containsExactly("p/b null->1 @3", "p/a 1->2 @4", "p/b 1->null @5");
        assertThat(after.revision()).isEqualTo(6);
        assertThat(new CacheSnapshot<>(after, decoding).stream().map(CacheEntry::value)).containsExactly("2");
        assertThat(new CacheSnapshot<>(start, decoding).get("p/a").orElseThrow().value()).isEqualTo("1");
    }

    @Test
    void aRewriteWithTheSameValueIsAChange() {
        CacheContents start = load(kv("p/a", "1", 2, 2));
        List<KeyChange<String>> changes = new ArrayList<>();

        start.apply(List.of(put("p/a", "1", 2, 3)), decoding, changes);

        assertThat(describe(changes)).containsExactly("p/a 1->1 @3");
    }

    @Test
    void anUndecodableValueLeavesTheViewAndIsListedUntilAGoodValueReplacesIt() {
        CacheContents start = load(kv("p/a", "1", 2, 2), kv("p/b", "1", 3, 3));
        List<KeyChange<String>> changes = new ArrayList<>();

        CacheContents broken = start.apply(List.of(put("p/a", "bad", 2, 4)), decoding, changes);
        CacheSnapshot<String> brokenView = new CacheSnapshot<>(broken, decoding);
        assertThat(brokenView.get("p/a")).isEmpty();
        assertThat(brokenView.get("p/b").orElseThrow().value()).isEqualTo("1");
        assertThat(brokenView.size()).isEqualTo(1);
        assertThat(brokenView.decodeErrors()).containsOnlyKeys("p/a");
        assertThat(brokenView.decodeErrors().get("p/a").modRevision()).isEqualTo(4);

        CacheContents repaired = broken.apply(List.of(put("p/a", "2", 2, 5)), decoding, changes);
        assertThat(describe(changes)).containsExactly("p/a 1->null error @4", "p/a null->2 @5");
        assertThat(new CacheSnapshot<>(repaired, decoding).decodeErrors()).isEmpty();
        assertThat(new CacheSnapshot<>(repaired, decoding).size()).isEqualTo(2);
    }

    @Test
    void aReloadReportsOnlyRealDifferencesInRevisionOrderAndDecodesOnlyNewWrites() {
        CacheContents start = load(kv("p/a", "1", 2, 2), kv("p/b", "1", 3, 3), kv("p/c", "1", 4, 4),
                kv("p/d", "1", 5, 5), kv("p/e", "bad", 6, 6));
        int decodedBefore = decoded.get();
        List<KeyChange<String>> changes = new ArrayList<>();

        CacheContents reloaded = start.reload(new RangeResult(20, List.of(
                kv("p/a", "1", 2, 2),
                kv("p/b", "1", 3, 12),
                kv("p/c", "2", 11, 11),
                kv("p/f", "1", 10, 10))), decoding, changes);

        assertThat(describe(changes)).containsExactly("p/f null->1 @10", "p/c 1->2 @11", "p/b 1->1 @12",
                "p/d 1->null @20", "p/e null->null @20");
        assertThat(decoded.get() - decodedBefore).isEqualTo(3);
        assertThat(reloaded.revision()).isEqualTo(20);
        assertThat(new CacheSnapshot<>(reloaded, decoding).stream().map(CacheEntry::key))
                .containsExactly("p/a", "p/b", "p/c", "p/f");
        assertThat(new CacheSnapshot<>(reloaded, decoding).decodeErrors()).isEmpty();
    }

    @Test
    void aReloadThatFindsNothingNewReportsNothing() {
        CacheContents start = load(kv("p/a", "1", 2, 2), kv("p/b", "bad", 3, 3));
        List<KeyChange<String>> changes = new ArrayList<>();

        CacheContents reloaded = start.reload(new RangeResult(9, List.of(kv("p/a", "1", 2, 2), kv("p/b", "bad", 3, 3))),
                decoding, changes);

        assertThat(changes).isEmpty();
        assertThat(reloaded.revision()).isEqualTo(9);
        assertThat(new CacheSnapshot<>(reloaded, decoding).decodeErrors()).containsOnlyKeys("p/b");
    }

    @Test
    void snapshotsSelectSubPrefixesInKeyOrder() {
        CacheSnapshot<String> view = new CacheSnapshot<>(load(kv("p/x/1", "1", 2, 2), kv("p/x/2", "1", 3, 3),
                kv("p/xy", "1", 4, 4), kv("p/y", "1", 5, 5)), decoding);

        assertThat(view.stream("p/x/").map(CacheEntry::key)).containsExactly("p/x/1", "p/x/2");
        assertThat(view.stream("p/").map(CacheEntry::key)).hasSize(4);
        assertThat(view.stream("p").map(CacheEntry::key)).hasSize(4);
        assertThat(view.stream("p/z").map(CacheEntry::key)).isEmpty();
    }
}
