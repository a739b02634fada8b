package dev.adjoint.memory;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;

/** Free blocks by byte size, the leases out, and when to ask for a collection ({@link Memory}). */
final class Pool {
    private final long minHeadroom;
    private final long maxHeadroom;
    private long headroom;
    private long lastCollectionEnd;
    /** The durations of the last few collections the pool asked for, ns. */
    private final double[] recentTook = new double[8];
    private final ReferenceQueue<DataBuffer> queue = new ReferenceQueue<>();
    /**
     * Leases out: a phantom reference must stay reachable itself until it is enqueued. Only touched
     * under this pool's lock (references compare by identity).
     */
    private final Set<Lease> out = new HashSet<>();
    private final Map<Long, FreeList> free = new HashMap<>();
    private long lentBytes;
    private long freeBytes;
    private long limit;
    private long collections;
    private long collectNanos;
    private long serial;
    /** Leases since the process's resident memory was last read ({@link #checkResident}). */
    private int leasesSinceCheck;
    /** The resident bytes read at the first check after the last collection, or -1 until then; 0 when unreadable here. */
    private long residentBaseline = -1;

    /**
     * The most memory one graph held for its backward since the last collection, and before it:
     * the working set at its peak, which what is lent right after a collection (taken at any point
     * of a step) can underestimate several times over.
     */
    private long graphBytes;
    private long previousGraphBytes;

    /** Bytes of all the blocks this pool has allocated: growth beyond the peak working set is churn (fresh pages). */
    private long allocatedBytes;

    /** Bytes lent since the last collection: a collection finds at most about this much newly unreachable. */
    private long leasedSinceCollection;

    /** The share of running time the last collection allowed ({@link #collectionShare}). */
    private double lastShare = Memory.COLLECTION_SHARE;

    /** Bytes the collector found unreachable since the last collection, and of those, what a recorded graph still pinned. */
    private long foundBytes;
    private long foundPinnedBytes;

    Pool(long minHeadroom, long maxHeadroom) {
        this.minHeadroom = minHeadroom;
        this.maxHeadroom = maxHeadroom;
        this.headroom = minHeadroom;
        this.limit = minHeadroom;
    }

    synchronized DataBuffer lease(DataType type, long n) {
        long bytes = n * type.width();
        drain();
        Block block = takeFree(bytes);
        // Past the limit, a collection only once half a headroom was lent since the last one: one
        // right after another finds nothing new, and would free the blocks the loop needs next.
        if (block == null && lentBytes + freeBytes + bytes > limit && leasedSinceCollection >= headroom / 2) {
            collect(true);
            block = takeFree(bytes);
        } else if (++leasesSinceCheck >= RESIDENT_CHECK_EVERY) {
            leasesSinceCheck = 0;
            if (checkResident()) {
                collect(true);
                block = block == null ? takeFree(bytes) : block;
            }
        }
        if (block == null) {
            block = new Block(bytes);
            allocatedBytes += bytes;
        }
        block.lastLent = ++serial;
        lentBytes += bytes;
        leasedSinceCollection += bytes;
        Pooled buffer = type == DataType.FLOAT ? new Pooled.Floats(block.floats(n), n) : new Pooled.Doubles(block.doubles(n), n);
        Lease lease = new Lease((DataBuffer) buffer, queue, block, serial);
        buffer.attach(lease);
        out.add(lease);
        return (DataBuffer) buffer;
    }

    /**
     * How many leases pass between reads of the process's resident memory: a read costs a few
     * microseconds, a lease far less; every 32nd keeps the reads to a small share of a step and
     * still sees a loop whose ops make few pooled outputs (the reference kernels) within a few steps.
     */
    private static final int RESIDENT_CHECK_EVERY = 32;

    /**
     * Whether the process's memory outside the Java heap has grown by more than the headroom (and
     * by a sixteenth) since the first read after the last collection. Memory ND4J allocates itself
     * (the reference kernels' arrays, the temporaries of its own ops) is freed only when the
     * collector finds its Java wrappers, and the pool's own accounting does not see it: this is the
     * off-heap demand that asks for a collection on its behalf. The Java heap's own growth is left
     * to the collector.
     */
    private boolean checkResident() {
        if (residentBaseline == 0) {
            return false; // not readable on this platform
        }
        long now;
        try {
            // outside the Java heap: the heap's own growth is the collector's business, not the pool's
            now = org.bytedeco.javacpp.Pointer.physicalBytes() - Runtime.getRuntime().totalMemory();
        } catch (Throwable t) {
            residentBaseline = 0;
            return false;
        }
        if (now <= 0) {
            residentBaseline = 0;
            return false;
        }
        if (residentBaseline < 0) {
            residentBaseline = now; // read a while after the collection: ND4J frees on its own threads
            return false;
        }
        return now > residentBaseline + Math.max(headroom, residentBaseline / 16);
    }

    private Block takeFree(long bytes) {
        FreeList list = free.get(bytes);
        Block b = list == null ? null : list.take();
        if (b != null) {
            freeBytes -= bytes;
        }
        return b;
    }

    synchronized void pin(Lease lease) {
        lease.pins++;
    }

    /** Undoes one pin; returns the block's bytes when that was its last pin, else 0. */
    synchronized long unpin(Lease lease) {
        if (lease.pins == 0 || --lease.pins > 0) {
            return 0;
        }
        if (lease.orphaned) {
            giveBack(lease);
        }
        return lease.block.bytes;
    }

    /** What a graph held for its backward pass (reachable then): the largest since the last collection counts. */
    synchronized void graphReleased(long bytes) {
        graphBytes = Math.max(graphBytes, bytes);
    }

    /** Gives the block back now if nothing pins it, else marks it to go back with its last pin. */
    synchronized boolean releaseOrOrphan(Lease lease) {
        if (lease.isReturned()) {
            return false;
        }
        if (lease.pins > 0) {
            lease.orphaned = true;
            return false;
        }
        giveBack(lease);
        return true;
    }

    synchronized void giveBack(Lease lease) {
        if (!lease.markReturned()) {
            return;
        }
        lease.clear();
        out.remove(lease);
        Block b = lease.block;
        lentBytes -= b.bytes;
        freeBytes += b.bytes;
        free.computeIfAbsent(b.bytes, k -> new FreeList()).blocks.push(b);
    }

    /** Returns the blocks of every buffer the collector has found unreachable so far. */
    private void drain() {
        Reference<? extends DataBuffer> r;
        while ((r = queue.poll()) != null) {
            Lease lease = (Lease) r;
            if (!lease.isReturned()) {
                foundBytes += lease.block.bytes;
                if (lease.pins > 0) {
                    foundPinnedBytes += lease.block.bytes; // its graph was dropped without a backward
                }
            }
            giveBack(lease);
        }
    }

    /**
     * The share of running time collections may take, by what the last ones found: mostly graphs
     * dropped without a backward (a forward with grad mode on, as an evaluation without no-grad),
     * memory PyTorch frees the moment the output goes, gets {@link Memory#DROPPED_GRAPH_COLLECTION_SHARE};
     * anything else {@link Memory#COLLECTION_SHARE}.
     */
    private double collectionShare() {
        return 2 * foundPinnedBytes > foundBytes ? Memory.DROPPED_GRAPH_COLLECTION_SHARE : Memory.COLLECTION_SHARE;
    }

    /**
     * Asks for a collection and takes back what it found; frees blocks idle since the previous
     * collection; sets the next limit. The headroom above what is still lent adapts so that
     * requested collections take about {@link Memory#COLLECTION_SHARE} of the running time
     * ({@code asked}: by the pool itself, not by {@link Memory#collect()}).
     */
    private void collect(boolean asked) {
        long start = System.nanoTime();
        Memory.dropIdleArrays(); // before the collection, which then frees them
        awaitCollection();
        drain();
        lastShare = collectionShare();
        collections++;
        long end = System.nanoTime();
        if (asked && lastCollectionEnd != 0) {
            double took = end - start;
            double between = start - lastCollectionEnd;
            // The headroom that would have spaced this collection at the target share, approached
            // geometrically and by at most 2x per collection. The cost counted is the least of the
            // recent collections: the fixed part. The rest grows with the garbage found, which is
            // paid once per dead buffer however the collections are spaced; counting it would make
            // more headroom look ever more needed.
            recentTook[(int) (collections % recentTook.length)] = took;
            double fixed = took;
            for (double t : recentTook) {
                if (t > 0) {
                    fixed = Math.min(fixed, t);
                }
            }
            double wanted = headroom * fixed / (lastShare * Math.max(between, 1));
            double next = Math.sqrt(headroom * Math.max(headroom / 2.0, Math.min(headroom * 2.0, wanted)));
            headroom = Math.max(minHeadroom, Math.min(maxHeadroom, (long) next));
        }
        lastCollectionEnd = end;
        leasedSinceCollection = 0;
        foundBytes = 0;
        foundPinnedBytes = 0;
        if (residentBaseline != 0) {
            residentBaseline = -1;
        }
        // bounded by what is reachable, so a fast loop does not buy its few collections with memory
        long reachable = Math.max(lentBytes, Math.max(graphBytes, previousGraphBytes));
        previousGraphBytes = graphBytes;
        graphBytes = 0;
        long bound = Math.max(Memory.BOUNDED_HEADROOM_FLOOR, (long) (reachable * Memory.MAX_HEADROOM_PER_LENT));
        headroom = Math.max(minHeadroom, Math.min(headroom, bound));
        freeIdleBlocks();
        limit = lentBytes + headroom;
        collectNanos += end - start;
    }

    /**
     * {@code System.gc()}, then waits (briefly) until the collector has queued the references it
     * cleared: a sentinel made just before is queued with them. What is queued later is taken back
     * at the next lease.
     */
    private void awaitCollection() {
        ReferenceQueue<Object> sentinelQueue = new ReferenceQueue<>();
        PhantomReference<Object> sentinel = new PhantomReference<>(new Object(), sentinelQueue);
        System.gc();
        try {
            sentinelQueue.remove(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Reference.reachabilityFence(sentinel);
    }

    /**
     * Frees the blocks that sat unused in their free list through the whole of the last two
     * intervals between collections (the surplus of their size), then the least recently lent
     * ones while the free lists hold more than the headroom: what is reachable plus the headroom
     * is all the pool keeps. Only a surplus over two intervals counts as idle, because one interval
     * can be shorter than a step and miss the sizes only its other part uses; the blocks every
     * interval needs stay, so a steady loop neither frees nor allocates.
     */
    private void freeIdleBlocks() {
        for (FreeList list : free.values()) {
            freeBytes -= list.freeSurplus();
        }
        if (freeBytes > headroom) {
            List<Block> all = new ArrayList<>();
            for (FreeList list : free.values()) {
                all.addAll(list.blocks);
            }
            all.sort(Comparator.comparingLong((Block b) -> b.lastLent));
            for (Block b : all) {
                if (freeBytes <= headroom) {
                    break;
                }
                free.get(b.bytes).blocks.remove(b);
                freeBytes -= b.bytes;
                b.free();
            }
        }
        free.values().removeIf(list -> list.blocks.isEmpty());
        for (FreeList list : free.values()) {
            list.startInterval();
        }
    }

    /**
     * The free blocks of one byte size, most recently returned first, and how many of them no
     * lease touched in the current and the previous interval between collections: the blocks at
     * the bottom of the stack, which only a lease that empties the stack down to them would take.
     */
    private static final class FreeList {
        final ArrayDeque<Block> blocks = new ArrayDeque<>();
        /** The fewest blocks this list held since the last collection. */
        int lowWater;
        /** The same for the interval before, less what was freed at its end. */
        int previousLowWater;

        Block take() {
            Block b = blocks.poll();
            lowWater = Math.min(lowWater, blocks.size());
            return b;
        }

        /** Frees the blocks untouched through both intervals, from the bottom; returns their bytes. */
        long freeSurplus() {
            int surplus = Math.min(lowWater, previousLowWater);
            long bytes = 0;
            for (int i = 0; i < surplus; i++) {
                Block b = blocks.pollLast();
                bytes += b.bytes;
                b.free();
            }
            previousLowWater = lowWater - surplus;
            return bytes;
        }

        void startInterval() {
            lowWater = blocks.size();
            previousLowWater = Math.min(previousLowWater, lowWater); // the headroom's cap may have taken some
        }
    }

    synchronized void collectNow() {
        drain();
        collect(false);
    }

    synchronized void trim() {
        drain();
        for (FreeList list : free.values()) {
            for (Block b : list.blocks) {
                b.free();
            }
        }
        free.clear();
        freeBytes = 0;
    }

    /** The share of running time the last collection's findings allowed: for tests. */
    synchronized double lastCollectionShare() {
        return lastShare;
    }

    synchronized long serial() {
        return serial;
    }

    synchronized Memory.Stats stats() {
        drain();
        return new Memory.Stats(lentBytes, freeBytes, limit, headroom, Math.max(graphBytes, previousGraphBytes), collections, collectNanos / 1_000_000, allocatedBytes);
    }
}
