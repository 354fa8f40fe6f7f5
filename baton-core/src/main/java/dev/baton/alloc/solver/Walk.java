package dev.baton.alloc.solver;

/**
 * A residual cycle or source-to-sink path found by a network search: its arcs in order, each
 * with the kind and argument that say which single-replica change it stands for.
 */
final class Walk {

    final int[] from;
    final int[] to;
    final int[] kind;
    final int[] arg;

    Walk(int length) {
        this.from = new int[length];
        this.to = new int[length];
        this.kind = new int[length];
        this.arg = new int[length];
    }

    void set(int k, int from, int to, int kind, int arg) {
        this.from[k] = from;
        this.to[k] = to;
        this.kind[k] = kind;
        this.arg[k] = arg;
    }

    int length() {
        return from.length;
    }

    /** Whether the walk ends where it starts. */
    boolean closed() {
        return from.length > 0 && from[0] == to[from.length - 1];
    }
}
