package dev.baton.cache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * An immutable sorted map from key bytes to {@link Slot}s: a copy-on-write B+tree. Every update
 * returns a new tree that shares each untouched node with the old one, so whoever holds a tree
 * keeps an unchanging view while the writer moves on; an update copies one root-to-leaf path.
 *
 * <p>Keys compare as unsigned bytes, which is etcd's key order. A leaf stores its entries in three
 * exact-size parallel arrays (keys, values, and four longs of metadata per entry) rather than one
 * object per entry, so the tree adds about 40 bytes per key plus a small share of the node headers.
 * Not thread-safe to build, safe to share once built.
 */
final class EntryTree {
    /** Most entries in a leaf and most children of a branch. */
    static final int MAX_NODE = 32;
    /** A node smaller than this after a removal is merged with, or refilled from, a sibling. */
    static final int MIN_NODE = MAX_NODE / 4;
    private static final int META = 4;

    static final EntryTree EMPTY = new EntryTree(null, 0);

    private final Node root;
    private final int size;

    private EntryTree(Node root, int size) {
        this.root = root;
        this.size = size;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The slot under {@code key}, or null. */
    Slot get(byte[] key) {
        Node node = root;
        if (node == null) {
            return null;
        }
        while (node instanceof Branch branch) {
            node = branch.children[childIndex(branch.firstKeys, key)];
        }
        Leaf leaf = (Leaf) node;
        int i = search(leaf.keys, key);
        return i >= 0 ? leaf.slot(i) : null;
    }

    /** This tree with {@code key} mapped to {@code slot}. */
    EntryTree put(byte[] key, Slot slot) {
        if (root == null) {
            return new EntryTree(new Leaf(new byte[][] {key}, new Object[] {slot.value()}, slot.meta()), 1);
        }
        int grown = get(key) == null ? 1 : 0;
        Node[] result = insert(root, key, slot);
        Node newRoot = result.length == 1 ? result[0] : Branch.of(result);
        return new EntryTree(newRoot, size + grown);
    }

    /** This tree without {@code key}; this same tree when it has no such key. */
    EntryTree remove(byte[] key) {
        if (root == null) {
            return this;
        }
        Node newRoot = delete(root, key);
        if (newRoot == root) {
            return this;
        }
        while (newRoot instanceof Branch branch && branch.children.length == 1) {
            newRoot = branch.children[0];
        }
        if (newRoot.count() == 0) {
            return EMPTY;
        }
        return new EntryTree(newRoot, size - 1);
    }

    /** Entries in key order, starting at the first key not below {@code from} (every entry when null). */
    Iterator<TreeEntry> iterator(byte[] from) {
        return new Cursor(root, from);
    }

    /** Builds a tree from entries appended in strictly increasing key order, in linear time. */
    static final class SortedBuilder {
        private final List<byte[]> keys = new ArrayList<>();
        private final List<Slot> slots = new ArrayList<>();

        SortedBuilder append(byte[] key, Slot slot) {
            if (!keys.isEmpty() && Arrays.compareUnsigned(keys.get(keys.size() - 1), key) >= 0) {
                throw new IllegalArgumentException("keys must be appended in increasing order");
            }
            keys.add(key);
            slots.add(slot);
            return this;
        }

        EntryTree build() {
            int n = keys.size();
            if (n == 0) {
                return EMPTY;
            }
            List<Node> level = new ArrayList<>();
            for (int[] chunk : chunks(n)) {
                int from = chunk[0];
                int length = chunk[1];
                byte[][] leafKeys = new byte[length][];
                Object[] values = new Object[length];
                long[] meta = new long[length * META];
                for (int i = 0; i < length; i++) {
                    Slot slot = slots.get(from + i);
                    leafKeys[i] = keys.get(from + i);
                    values[i] = slot.value();
                    System.arraycopy(slot.meta(), 0, meta, i * META, META);
                }
                level.add(new Leaf(leafKeys, values, meta));
            }
            while (level.size() > 1) {
                List<Node> parents = new ArrayList<>();
                for (int[] chunk : chunks(level.size())) {
                    parents.add(Branch.of(level.subList(chunk[0], chunk[0] + chunk[1]).toArray(Node[]::new)));
                }
                level = parents;
            }
            return new EntryTree(level.get(0), n);
        }

        /** Splits {@code n} items into the fewest runs of at most {@link #MAX_NODE}, of near-equal length. */
        private static List<int[]> chunks(int n) {
            int count = (n + MAX_NODE - 1) / MAX_NODE;
            List<int[]> out = new ArrayList<>(count);
            int from = 0;
            for (int c = 0; c < count; c++) {
                int length = n / count + (c < n % count ? 1 : 0);
                out.add(new int[] {from, length});
                from += length;
            }
            return out;
        }
    }

    /** One entry as iteration yields it. */
    record TreeEntry(byte[] key, Slot slot) {
    }

    private static Node[] insert(Node node, byte[] key, Slot slot) {
        if (node instanceof Leaf leaf) {
            int i = search(leaf.keys, key);
            Leaf updated = i >= 0 ? leaf.replace(i, slot) : leaf.insert(-i - 1, key, slot);
            return updated.count() > MAX_NODE ? updated.split() : new Node[] {updated};
        }
        Branch branch = (Branch) node;
        int c = childIndex(branch.firstKeys, key);
        Branch updated = branch.replace(c, c + 1, insert(branch.children[c], key, slot));
        return updated.count() > MAX_NODE ? updated.split() : new Node[] {updated};
    }

    private static Node delete(Node node, byte[] key) {
        if (node instanceof Leaf leaf) {
            int i = search(leaf.keys, key);
            return i >= 0 ? leaf.without(i) : leaf;
        }
        Branch branch = (Branch) node;
        int c = childIndex(branch.firstKeys, key);
        Node child = branch.children[c];
        Node shrunk = delete(child, key);
        if (shrunk == child) {
            return branch;
        }
        if (shrunk.count() == 0) {
            return branch.replace(c, c + 1, new Node[0]);
        }
        if (shrunk.count() >= MIN_NODE || branch.count() == 1) {
            return branch.replace(c, c + 1, new Node[] {shrunk});
        }
        int left = c > 0 ? c - 1 : c;
        Node first = left == c ? shrunk : branch.children[left];
        Node second = left == c ? branch.children[c + 1] : shrunk;
        return branch.replace(left, left + 2, rebalance(first, second));
    }

    /** Two adjacent siblings as one node when they fit, else as two nodes of near-equal size. */
    private static Node[] rebalance(Node first, Node second) {
        Node joined = first instanceof Leaf a ? a.concat((Leaf) second) : ((Branch) first).concat((Branch) second);
        if (joined.count() <= MAX_NODE) {
            return new Node[] {joined};
        }
        return joined instanceof Leaf leaf ? leaf.split() : ((Branch) joined).split();
    }

    /** Index of {@code key} in {@code keys}, or {@code -(insertion point) - 1}. */
    private static int search(byte[][] keys, byte[] key) {
        int low = 0;
        int high = keys.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int cmp = Arrays.compareUnsigned(keys[mid], key);
            if (cmp < 0) {
                low = mid + 1;
            } else if (cmp > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -low - 1;
    }

    /** The child whose key span holds {@code key}: the last one whose first key is not above it, else the first. */
    private static int childIndex(byte[][] firstKeys, byte[] key) {
        int i = search(firstKeys, key);
        return i >= 0 ? i : Math.max(0, -i - 2);
    }

    private abstract static sealed class Node permits Leaf, Branch {
        abstract int count();

        abstract byte[] firstKey();
    }

    private static final class Leaf extends Node {
        final byte[][] keys;
        final Object[] values;
        final long[] meta;

        Leaf(byte[][] keys, Object[] values, long[] meta) {
            this.keys = keys;
            this.values = values;
            this.meta = meta;
        }

        @Override
        int count() {
            return keys.length;
        }

        @Override
        byte[] firstKey() {
            return keys[0];
        }

        Slot slot(int i) {
            int m = i * META;
            return new Slot(values[i], meta[m], meta[m + 1], meta[m + 2], meta[m + 3]);
        }

        Leaf replace(int i, Slot slot) {
            Object[] newValues = values.clone();
            long[] newMeta = meta.clone();
            newValues[i] = slot.value();
            System.arraycopy(slot.meta(), 0, newMeta, i * META, META);
            return new Leaf(keys, newValues, newMeta);
        }

        Leaf insert(int i, byte[] key, Slot slot) {
            int n = keys.length;
            byte[][] newKeys = new byte[n + 1][];
            Object[] newValues = new Object[n + 1];
            long[] newMeta = new long[(n + 1) * META];
            System.arraycopy(keys, 0, newKeys, 0, i);
            System.arraycopy(values, 0, newValues, 0, i);
            System.arraycopy(meta, 0, newMeta, 0, i * META);
            newKeys[i] = key;
            newValues[i] = slot.value();
            System.arraycopy(slot.meta(), 0, newMeta, i * META, META);
            System.arraycopy(keys, i, newKeys, i + 1, n - i);
            System.arraycopy(values, i, newValues, i + 1, n - i);
            System.arraycopy(meta, i * META, newMeta, (i + 1) * META, (n - i) * META);
            return new Leaf(newKeys, newValues, newMeta);
        }

        Leaf without(int i) {
            int n = keys.length;
            byte[][] newKeys = new byte[n - 1][];
            Object[] newValues = new Object[n - 1];
            long[] newMeta = new long[(n - 1) * META];
            System.arraycopy(keys, 0, newKeys, 0, i);
            System.arraycopy(values, 0, newValues, 0, i);
            System.arraycopy(meta, 0, newMeta, 0, i * META);
            System.arraycopy(keys, i + 1, newKeys, i, n - i - 1);
            System.arraycopy(values, i + 1, newValues, i, n - i - 1);
            System.arraycopy(meta, (i + 1) * META, newMeta, i * META, (n - i - 1) * META);
            return new Leaf(newKeys, newValues, newMeta);
        }

        Leaf range(int from, int to) {
            return new Leaf(Arrays.copyOfRange(keys, from, to), Arrays.copyOfRange(values, from, to),
                    Arrays.copyOfRange(meta, from * META, to * META));
        }

        Leaf concat(Leaf next) {
            int n = keys.length;
            int m = next.keys.length;
            byte[][] newKeys = Arrays.copyOf(keys, n + m);
            Object[] newValues = Arrays.copyOf(values, n + m);
            long[] newMeta = Arrays.copyOf(meta, (n + m) * META);
            System.arraycopy(next.keys, 0, newKeys, n, m);
            System.arraycopy(next.values, 0, newValues, n, m);
            System.arraycopy(next.meta, 0, newMeta, n * META, m * META);
            return new Leaf(newKeys, newValues, newMeta);
        }

        Node[] split() {
            int half = keys.length / 2;
            return new Node[] {range(0, half), range(half, keys.length)};
        }
    }

    private static final class Branch extends Node {
        final byte[][] firstKeys;
        final Node[] children;

        private Branch(byte[][] firstKeys, Node[] children) {
            this.firstKeys = firstKeys;
            this.children = children;
        }

        static Branch of(Node[] children) {
            byte[][] firstKeys = new byte[children.length][];
            for (int i = 0; i < children.length; i++) {
                firstKeys[i] = children[i].firstKey();
            }
            return new Branch(firstKeys, children);
        }

        @Override
        int count() {
            return children.length;
        }

        @Override
        byte[] firstKey() {
            return firstKeys[0];
        }

        /** This branch with children {@code [from, to)} replaced by {@code replacement}. */
        Branch replace(int from, int to, Node[] replacement) {
            int n = children.length;
            Node[] newChildren = new Node[n - (to - from) + replacement.length];
            System.arraycopy(children, 0, newChildren, 0, from);
            System.arraycopy(replacement, 0, newChildren, from, replacement.length);
            System.arraycopy(children, to, newChildren, from + replacement.length, n - to);
            byte[][] newFirstKeys = new byte[newChildren.length][];
            System.arraycopy(firstKeys, 0, newFirstKeys, 0, from);
            for (int i = 0; i < replacement.length; i++) {
                newFirstKeys[from + i] = replacement[i].firstKey();
            }
            System.arraycopy(firstKeys, to, newFirstKeys, from + replacement.length, n - to);
            return new Branch(newFirstKeys, newChildren);
        }

        Branch concat(Branch next) {
            Node[] joined = Arrays.copyOf(children, children.length + next.children.length);
            System.arraycopy(next.children, 0, joined, children.length, next.children.length);
            byte[][] keys = Arrays.copyOf(firstKeys, joined.length);
            System.arraycopy(next.firstKeys, 0, keys, children.length, next.children.length);
            return new Branch(keys, joined);
        }

        Node[] split() {
            int half = children.length / 2;
            return new Node[] {
                new Branch(Arrays.copyOfRange(firstKeys, 0, half), Arrays.copyOfRange(children, 0, half)),
                new Branch(Arrays.copyOfRange(firstKeys, half, children.length),
                        Arrays.copyOfRange(children, half, children.length))};
        }
    }

    /** In-order traversal: a stack of (branch, child index) down to the current leaf. */
    private static final class Cursor implements Iterator<TreeEntry> {
        private final List<Branch> branches = new ArrayList<>();
        private final List<Integer> positions = new ArrayList<>();
        private Leaf leaf;
        private int index;

        Cursor(Node root, byte[] from) {
            if (root == null) {
                return;
            }
            Node node = root;
            while (node instanceof Branch branch) {
                int c = from == null ? 0 : childIndex(branch.firstKeys, from);
                branches.add(branch);
                positions.add(c);
                node = branch.children[c];
            }
            leaf = (Leaf) node;
            if (from != null) {
                int i = search(leaf.keys, from);
                index = i >= 0 ? i : -i - 1;
            }
            settle();
        }

        /** Moves past the end of exhausted leaves to the next entry, or to the end. */
        private void settle() {
            while (leaf != null && index >= leaf.keys.length) {
                leaf = nextLeaf();
                index = 0;
            }
        }

        private Leaf nextLeaf() {
            int depth = branches.size() - 1;
            while (depth >= 0 && positions.get(depth) + 1 >= branches.get(depth).children.length) {
                branches.remove(depth);
                positions.remove(depth);
                depth--;
            }
            if (depth < 0) {
                return null;
            }
            positions.set(depth, positions.get(depth) + 1);
            Node node = branches.get(depth).children[positions.get(depth)];
            while (node instanceof Branch branch) {
                branches.add(branch);
                positions.add(0);
                node = branch.children[0];
            }
            return (Leaf) node;
        }

        @Override
        public boolean hasNext() {
            return leaf != null;
        }

        @Override
        public TreeEntry next() {
            if (leaf == null) {
                throw new NoSuchElementException();
            }
            TreeEntry entry = new TreeEntry(leaf.keys[index], leaf.slot(index));
            index++;
            settle();
            return entry;
        }
    }
}
