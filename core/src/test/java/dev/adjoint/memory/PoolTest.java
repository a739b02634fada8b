package dev.adjoint.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The pool's own rules, on a pool of its own (not the process's): which free blocks count as idle,
 * and when a lease may ask for a collection. Blocks are given back explicitly, as the engine does.
 */
class PoolTest {
    private static final long MB = 1L << 20;
    /** Floats in one block of a size no other block here has. */
    private static final long A = 1000;
    private static final long B = 3000;

    @Test
    void onlyBlocksNoLeaseReachedThroughTwoIntervalsAreFreed() {
        Pool pool = new Pool(64 * MB, 64 * MB);
        giveBack(pool, lease(pool, A, 10)); // ten free blocks of one size
        long block = A * 4;
        pool.collectNow(); // a list made during an interval counts that interval as used
        assertThat(pool.stats().freeBytes()).isEqualTo(10 * block);

        useThree(pool);
        pool.collectNow(); // three of ten used in this interval: no surplus yet (one interval only)
        assertThat(pool.stats().freeBytes()).isEqualTo(10 * block);

        useThree(pool);
        pool.collectNow(); // the bottom seven sat unused through two intervals: freed
        assertThat(pool.stats().freeBytes()).isEqualTo(3 * block);

        long allocated = pool.stats().allocatedBytes();
        for (int interval = 0; interval < 4; interval++) {
            useThree(pool);
            pool.collectNow();
        }
        // the three every interval needs stay: a steady loop neither frees nor allocates
        assertThat(pool.stats().freeBytes()).isEqualTo(3 * block);
        assertThat(pool.stats().allocatedBytes()).isEqualTo(allocated);

        pool.collectNow(); // demand stops: one interval untouched keeps them,
        assertThat(pool.stats().freeBytes()).isEqualTo(3 * block);
        pool.collectNow(); // two free them
        assertThat(pool.stats().freeBytes()).isZero();
    }

    @Test
    void aLeaseRightAfterACollectionDoesNotAskForAnother() {
        Pool pool = new Pool(2 * MB, 2 * MB);
        // fill the pool to its limit with free blocks of one size, then collect: free = limit - lent
        List<DataBuffer> held = lease(pool, A * 64, 8); // 8 x 256 KB = 2 MB
        giveBack(pool, held);
        long before = pool.stats().collections();
        // a size the free lists lack, past the limit: the first such lease may collect (the pool has
        // lent 2 MB, a whole headroom, since it began) ...
        List<DataBuffer> other = lease(pool, B * 16, 1);
        long afterFirst = pool.stats().collections();
        assertThat(afterFirst).isLessThanOrEqualTo(before + 1);
        // ... but right after it, with little lent since, more such leases allocate past the limit
        // instead of collecting again (a collection now would find nothing and free what the loop needs)
        other.addAll(lease(pool, B * 16, 3));
        assertThat(pool.stats().collections()).isEqualTo(afterFirst);
        assertThat(pool.stats().freeBytes()).as("the free blocks of the other size are still there").isGreaterThan(0);
        giveBack(pool, other);
    }

    /** Graphs dropped without a backward leave their memory pinned: finding mostly that allows collections more time. */
    @Test
    void collectionsThatFindDroppedGraphsMayTakeMoreOfTheTime() {
        Pool pool = new Pool(64 * MB, 64 * MB);
        dropLeases(pool, true, 8);
        pool.collectNow();
        assertThat(pool.stats().lentBytes()).as("the dropped buffers were found").isZero();
        assertThat(pool.lastCollectionShare()).isEqualTo(Memory.DROPPED_GRAPH_COLLECTION_SHARE);

        dropLeases(pool, false, 8); // unpinned garbage: what a training loop's collections find
        pool.collectNow();
        assertThat(pool.stats().lentBytes()).isZero();
        assertThat(pool.lastCollectionShare()).isEqualTo(Memory.COLLECTION_SHARE);
    }

    /** Leases {@code count} buffers, pins each as a recorded graph would if {@code pinned}, and drops them all. */
    private static void dropLeases(Pool pool, boolean pinned, int count) {
        for (DataBuffer b : lease(pool, A, count)) {
            if (pinned) {
                pool.pin(((Pooled) b).lease());
            }
        }
    }

    private static void useThree(Pool pool) {
        giveBack(pool, lease(pool, A, 3));
    }

    private static List<DataBuffer> lease(Pool pool, long floats, int count) {
        List<DataBuffer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(pool.lease(DataType.FLOAT, floats));
        }
        return out;
    }

    private static void giveBack(Pool pool, List<DataBuffer> buffers) {
        for (DataBuffer b : buffers) {
            pool.giveBack(((Pooled) b).lease());
        }
    }
}
