package dev.adjoint.memory;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.nd4j.linalg.cpu.nativecpu.buffer.DoubleBuffer;
import org.nd4j.linalg.cpu.nativecpu.buffer.FloatBuffer;

/**
 * An ND4J buffer over a block the pool lent: the object whose reachability decides when the block
 * goes back. ND4J treats the memory as external (it never frees it); views keep this buffer reachable.
 */
interface Pooled {
    Lease lease();

    /** Set once, right after construction (the lease refers to the buffer, so it comes second). */
    void attach(Lease lease);

    /** A float32 buffer over a pooled block. */
    final class Floats extends FloatBuffer implements Pooled {
        private Lease lease;

        Floats(FloatPointer p, long length) {
            super(p, FloatIndexer.create(p), length);
        }

        @Override
        public Lease lease() {
            return lease;
        }

        @Override
        public void attach(Lease l) {
            lease = l;
        }
    }

    /** A float64 buffer over a pooled block. */
    final class Doubles extends DoubleBuffer implements Pooled {
        private Lease lease;

        Doubles(DoublePointer p, long length) {
            super(p, DoubleIndexer.create(p), length);
        }

        @Override
        public Lease lease() {
            return lease;
        }

        @Override
        public void attach(Lease l) {
            lease = l;
        }
    }
}
