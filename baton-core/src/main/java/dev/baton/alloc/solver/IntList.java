package dev.baton.alloc.solver;

import java.util.Arrays;

/** A growable list of ints, for the solver's hot loops where boxing would dominate. */
final class IntList {

    private int[] values = new int[8];
    private int size;

    void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    int get(int index) {
        return values[index];
    }

    void set(int index, int value) {
        values[index] = value;
    }

    int size() {
        return size;
    }

    void truncate(int newSize) {
        size = newSize;
    }

    boolean contains(int value) {
        for (int k = 0; k < size; k++) {
            if (values[k] == value) {
                return true;
            }
        }
        return false;
    }
}
