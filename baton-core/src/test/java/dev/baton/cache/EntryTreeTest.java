package dev.baton.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class EntryTreeTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Slot slot(long revision) {
        return new Slot("v" + revision, revision, revision, 1, 0);
    }

    /** The tree's contents as key → mod revision, in the tree's order. */
    private static Map<String, Long> contents(EntryTree tree, String from) {
        Map<String, Long> out = new LinkedHashMap<>();
        Iterator<EntryTree.TreeEntry> it = tree.iterator(from == null ? null : bytes(from));
        it.forEachRemaining(e -> out.put(new String(e.key(), StandardCharsets.UTF_8), e.slot().modRevision()));
        return out;
    }

    @Test
    void randomPutsAndRemovesMatchASortedMapAndOldVersionsNeverChange() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        EntryTree tree = EntryTree.EMPTY;
        TreeMap<String, Long> expected = new TreeMap<>();
        List<EntryTree> versions = new ArrayList<>();
        List<Map<String, Long>> versionContents = new ArrayList<>();
        for (long revision = 1; revision <= 40_000; revision++) {
            String key = String.format("k%04d", random.nextInt(random.nextBoolean() ? 3000 : 300));
            if (random.nextInt(3) == 0) {
                tree = tree.remove(bytes(key));
                expected.remove(key);
            } else {
                tree = tree.put(bytes(key), slot(revision));
                expected.put(key, revision);
            }
            assertThat(tree.size()).as("seed %d at %d", seed, revision).isEqualTo(expected.size());
            if (revision % 2000 == 0) {
                assertThat(contents(tree, null)).as("seed %d", seed).containsExactlyEntriesOf(expected);
                versions.add(tree);
                versionContents.add(new LinkedHashMap<>(expected));
            }
        }
        for (int i = 0; i < versions.size(); i++) {
            assertThat(contents(versions.get(i), null)).as("seed %d version %d", seed, i)
                    .containsExactlyEntriesOf(versionContents.get(i));
        }
        for (String key : List.of("k0000", "k0150", "k2999", "k9999")) {
            Slot slot = tree.get(bytes(key));
            assertThat(slot == null ? null : slot.modRevision()).as("seed %d key %s", seed, key).isEqualTo(expected.get(key));
        }
    }

    @Test
    void iterationStartsAtTheFirstKeyNotBelowTheGivenOne() {
        EntryTree.SortedBuilder builder = new EntryTree.SortedBuilder();
        TreeMap<String, Long> expected = new TreeMap<>();
        for (int i = 0; i < 5000; i += 2) {
            String key = String.format("k%05d", i);
            builder.append(bytes(key), slot(i + 1));
            expected.put(key, (long) i + 1);
        }
        EntryTree tree = builder.build();
        for (String from : List.of("a", "k00000", "k00001", "k02501", "k04998", "k04999", "z")) {
            assertThat(contents(tree, from)).as(from).containsExactlyEntriesOf(expected.tailMap(from));
        }
    }

    @Test
    void aBuiltTreeBehavesLikeOneBuiltByPutsDownToEmpty() {
        EntryTree.SortedBuilder builder = new EntryTree.SortedBuilder();
        EntryTree byPuts = EntryTree.EMPTY;
        for (int i = 0; i < 3000; i++) {
            byte[] key = bytes(String.format("k%05d", i));
            builder.append(key, slot(i + 1));
            byPuts = byPuts.put(key, slot(i + 1));
        }
        EntryTree built = builder.build();
        assertThat(contents(built, null)).containsExactlyEntriesOf(contents(byPuts, null));
        Random random = new Random(7);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        for (int i : order) {
            built = built.remove(bytes(String.format("k%05d", i)));
        }
        assertThat(built.isEmpty()).isTrue();
        assertThat(built.iterator(null).hasNext()).isFalse();
    }

    @Test
    void keysOrderAsUnsignedBytesLikeEtcd() {
        EntryTree tree = EntryTree.EMPTY
                .put(bytes("é"), slot(1))
                .put(bytes("z"), slot(2))
                .put(bytes("A"), slot(3));
        assertThat(contents(tree, null).keySet()).containsExactly("A", "z", "é");
    }

    @Test
    void removingAnAbsentKeyReturnsTheSameTree() {
        EntryTree tree = EntryTree.EMPTY.put(bytes("a"), slot(1));
        assertThat(tree.remove(bytes("b"))).isSameAs(tree);
        assertThat(EntryTree.EMPTY.remove(bytes("a"))).isSameAs(EntryTree.EMPTY);
    }

    @Test
    void theBuilderRefusesKeysOutOfOrder() {
        EntryTree.SortedBuilder builder = new EntryTree.SortedBuilder().append(bytes("b"), slot(1));
        assertThatThrownBy(() -> builder.append(bytes("a"), slot(2))).isInstanceOf(IllegalArgumentException.class);
    }
}
