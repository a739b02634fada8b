package dev.adjoint.memory;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.cpu.nativecpu.NDArray;
import org.nd4j.linalg.cpu.nativecpu.buffer.LongBuffer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J arrays over pooled buffers, with the shape information of each (type, shape) made once.
 *
 * <p>Why: {@code Nd4j.create(buffer, shape)} asks the native side for the shape's (cached) shape
 * information and wraps it anew every time: a dozen Java objects and a small native object, freed
 * only when the collector finds the wrappers. A training step makes hundreds of arrays of a few
 * dozen shapes; the native objects alone made the process grow between collections (the pool's
 * off-heap check then asked for them). Arrays of one shape share the same shape-information buffer
 * here, as ND4J's own views of a constant shape do.
 */
final class ShapeInfos {
    /**
     * The most shapes remembered: a network's activations, gradients and parameters at a couple of
     * batch sizes. Past it, new shapes take ND4J's own path (correct, only slower).
     */
    static final int MAX_SHAPES = 4096;

    private static final ConcurrentHashMap<Key, Info> CACHE = new ConcurrentHashMap<>();

    private ShapeInfos() {
    }

    /** A c-order array of {@code shape} over {@code data}. */
    static INDArray array(DataBuffer data, DataType type, long[] shape) {
        Info info = CACHE.get(new Key(type, shape));
        if (info != null) {
            return new NDArray(data, info.buffer, info.java.clone()); // each array its own Java copy: ND4J may keep it
        }
        INDArray a = Nd4j.create(data, shape);
        if (a.shapeInfoDataBuffer() instanceof LongBuffer buffer && CACHE.size() < MAX_SHAPES) {
            CACHE.putIfAbsent(new Key(type, shape.clone()), new Info(buffer, a.shapeInfoJava().clone()));
        }
        return a;
    }

    private record Info(LongBuffer buffer, long[] java) {
    }

    /** A (type, shape) pair compared by the shape's values. */
    private static final class Key {
        private final DataType type;
        private final long[] shape;
        private final int hash;

        Key(DataType type, long[] shape) {
            this.type = type;
            this.shape = shape;
            this.hash = 31 * type.hashCode() + Arrays.hashCode(shape);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.type == type && Arrays.equals(k.shape, shape);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
