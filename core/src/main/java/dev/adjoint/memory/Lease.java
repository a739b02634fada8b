package dev.adjoint.memory;

import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import org.nd4j.linalg.api.buffer.DataBuffer;

/**
 * One loan of a block: enqueued by the garbage collector once its buffer is unreachable, or given
 * back early by {@link Memory#release}; whichever comes first returns the block, once.
 */
final class Lease extends PhantomReference<DataBuffer> {
    final Block block;
    /** Order of lending, for {@link Memory#lentSince}. */
    final long serial;
    private volatile boolean returned;
    /** How many recorded Functions hold this block for their backward ({@link Memory#pin}); under the pool's lock. */
    int pins;
    /**
     * Set by {@link Memory#releaseIfUnshared} when the caller knew nothing else reaches the block
     * but a graph held it: it goes back when the last pin does. Under the pool's lock.
     */
    boolean orphaned;

    Lease(DataBuffer buffer, ReferenceQueue<DataBuffer> queue, Block block, long serial) {
        super(buffer, queue);
        this.block = block;
        this.serial = serial;
    }

    /** Marks the lease returned; true the first time only. Called under the pool's lock. */
    boolean markReturned() {
        if (returned) {
            return false;
        }
        returned = true;
        return true;
    }

    boolean isReturned() {
        return returned;
    }
}
