package dev.adjoint.autograd;

import java.util.Arrays;

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

    private static final Interner<Key> SHAPES = new Interner<>(MAX_SHAPES);

    /** Input-shape lists, one shared array per list of shared shapes, instead of one array per recorded node. */
    private static final Interner<Tuple> TUPLES = new Interner<>(MAX_SHAPES);

    private ShapeTable() {
    }

    /**
     * The table's array equal to {@code shape}: a copy of it the first time (never the caller's
     * array, which its owner may reuse), or a copy of its own when the table is full.
     */
    static long[] shared(long[] shape) {
        Key known = SHAPES.find(new Key(shape));
        return (known != null ? known : SHAPES.intern(new Key(shape.clone()))).shape;
    }

    /**
     * The table's array equal to {@code shapes}, whose entries are the table's own ({@link #shared})
     * or null: {@code shapes} itself the first time (the caller hands it over), a table's array after.
     */
    static long[][] sharedList(long[][] shapes) {
        return TUPLES.intern(new Tuple(shapes)).shapes;
    }

    /** Entries compare by identity: they are the table's shared shapes already. */
    private record Tuple(long[][] shapes) {
        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Tuple t) || t.shapes.length != shapes.length) {
                return false;
            }
            for (int i = 0; i < shapes.length; i++) {
                if (t.shapes[i] != shapes[i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = shapes.length;
            for (long[] s : shapes) {
                h = 31 * h + System.identityHashCode(s);
            }
            return h;
        }
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
