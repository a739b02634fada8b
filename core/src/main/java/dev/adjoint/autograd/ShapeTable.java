package dev.adjoint.autograd;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared array per shape for the shapes recorded functions keep: a graph kept after its
 * backward (a loss in a list) holds its nodes, and each node its input and output shapes; a
 * training loop meets a handful of shapes, so its thousands of kept graphs share a handful of
 * arrays. The table stops growing at {@link #MAX_SHAPES}; shapes met after that get arrays of their own.
 * The arrays are read only.
 */
final class ShapeTable {
    /**
     * The most shapes the table holds: 4,096, a few hundred kilobytes at most. A program that makes
     * more distinct shapes than that (varying sequence lengths, say) keeps its nodes' own arrays
     * for the rest, as before; a larger table would hold more memory for shapes seen once.
     */
    static final int MAX_SHAPES = 4096;

    private static final ConcurrentHashMap<Key, long[]> SHAPES = new ConcurrentHashMap<>();

    private ShapeTable() {
    }

    /**
     * The table's array equal to {@code shape}: a copy of it the first time (never the caller's
     * array, which its owner may reuse), or a copy of its own when the table is full.
     */
    static long[] shared(long[] shape) {
        long[] known = SHAPES.get(new Key(shape));
        if (known != null) {
            return known;
        }
        long[] mine = shape.clone();
        if (SHAPES.size() >= MAX_SHAPES) {
            return mine;
        }
        long[] raced = SHAPES.putIfAbsent(new Key(mine), mine);
        return raced != null ? raced : mine;
    }

    private record Key(long[] shape) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(shape, k.shape);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(shape);
        }
    }
}
