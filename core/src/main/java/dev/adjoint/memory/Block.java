package dev.adjoint.memory;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;

/** A piece of native memory the pool owns, lent to one buffer at a time. */
final class Block {
    final long bytes;
    private final BytePointer memory;
    /** The lease serial when the block was last lent: past the headroom, the least recently lent free blocks are freed first. */
    long lastLent;

    Block(long bytes) {
        this.bytes = bytes;
        this.memory = new BytePointer(bytes);
        if (memory.isNull()) {
            throw new OutOfMemoryError("adjoint: could not allocate " + bytes + " bytes of native memory");
        }
    }

    FloatPointer floats(long n) {
        FloatPointer p = new FloatPointer(memory);
        p.capacity(n);
        p.limit(n);
        return p;
    }

    DoublePointer doubles(long n) {
        DoublePointer p = new DoublePointer(memory);
        p.capacity(n);
        p.limit(n);
        return p;
    }

    void free() {
        memory.deallocate();
    }
}
