package dev.adjoint.kernels.cpu;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The CPU kernels' parallel-for: a loop over {@code [0, n)} cut into chunks of a fixed size, run by
 * the calling thread and a pool of daemon workers ("adjoint-kernels-N"), one fewer than
 * {@link #threads()}.
 *
 * <p>The chunk layout depends only on {@code n} and the chunk size, never on how many threads
 * there are, and every chunk knows its index: a kernel that reduces (a weight gradient summed over
 * the batch) keeps one partial result per chunk and adds them in chunk order afterwards, so its
 * result is the same on 1 thread or 64. Chunks are claimed dynamically, so a slow thread (the
 * machine is shared with the JIT and the collector) delays the loop by one chunk at most. A loop of
 * one chunk runs inline, with no hand-over.
 *
 * <p>Any number of threads may run loops at once (two training threads each get the workers that
 * are free; nothing is serialized), and a chunk may itself run a loop (the caller then does that
 * loop's chunks until none is left, so nesting cannot deadlock).
 *
 * <p>Workers, not the common ForkJoin pool: its workers drop their thread-locals after every task
 * (JDK 17), and the kernels keep their work arrays in thread-locals. Between loops a worker spins
 * for {@link #SPIN_NANOS}, then yields until {@link #YIELD_NANOS}, then parks: waking a parked
 * thread costs about as much as a small kernel, while spinning costs a core (the trade is in
 * docs/PERFORMANCE.md).
 */
public final class Parallel {
    /** The system property for the number of threads the kernels use (default: the machine's processors). */
    public static final String PROPERTY = dev.adjoint.kernels.Settings.THREADS;

    /** How long an idle worker (or a waiting caller) spins before it starts yielding. */
    static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    /** How long it yields between checks before it parks. */
    static final long YIELD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private static final int THREADS = readThreads();
    private static final ConcurrentLinkedQueue<Job> QUEUE = new ConcurrentLinkedQueue<>();
    private static volatile Worker[] workers;

    /** Set while {@link #inline} runs: loops on this thread run all their chunks themselves. */
    private static final ThreadLocal<Boolean> INLINE = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private Parallel() {
    }

    /** Runs {@code work} with every loop it starts done on this thread alone, as on a one-processor machine (tests compare the two). */
    static <T> T inline(java.util.function.Supplier<T> work) {
        boolean before = INLINE.get();
        INLINE.set(true);
        try {
            return work.get();
        } finally {
            INLINE.set(before);
        }
    }

    /** A chunk of a loop: {@code [from, to)} is chunk number {@code chunk}. */
    @FunctionalInterface
    public interface Body {
        void run(int chunk, int from, int to);
    }

    /** Threads the kernels use: {@code -Dadjoint.threads=N}, else {@code Runtime.availableProcessors()}. */
    public static int threads() {
        return THREADS;
    }

    private static int readThreads() {
        return dev.adjoint.kernels.Settings.threads();
    }

    /** How many chunks of {@code chunk} cover {@code n}. */
    public static int chunks(int n, int chunk) {
        if (chunk < 1) {
            throw new IllegalArgumentException("Parallel: chunk size " + chunk + " must be positive");
        }
        return n <= 0 ? 0 : (int) ((n + (long) chunk - 1) / chunk);
    }

    /**
     * Runs {@code body} for every chunk {@code [c * chunk, min(n, (c + 1) * chunk))}, on this thread
     * and the workers; returns when all have run, rethrowing the first failure. Chunks must write to
     * disjoint memory; what the caller wrote before is visible to every chunk, and what every chunk
     * wrote is visible to the caller after.
     */
    public static void forEach(int n, int chunk, Body body) {
        int chunks = chunks(n, chunk);
        if (chunks <= 1 || THREADS == 1 || INLINE.get()) {
            for (int c = 0; c < chunks; c++) {
                body.run(c, c * chunk, Math.min(n, (c + 1) * chunk));
            }
            return;
        }
        Job job = new Job(body, n, chunk, chunks);
        QUEUE.add(job);
        wake(Math.min(chunks - 1, THREADS - 1));
        while (job.runOne()) {
            // the caller works too, until no chunk is left to claim
        }
        QUEUE.remove(job);
        job.awaitOthers();
        Throwable t = job.failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }

    /** One loop: its chunks, the next one to claim, and how many are not finished. */
    private static final class Job {
        final Body body;
        final int n;
        final int chunk;
        final int chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger unfinished;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread caller = Thread.currentThread();
        volatile boolean callerParked;

        Job(Body body, int n, int chunk, int chunks) {
            this.body = body;
            this.n = n;
            this.chunk = chunk;
            this.chunks = chunks;
            this.unfinished = new AtomicInteger(chunks);
        }

        /** Claims and runs one chunk; false when none was left to claim. */
        boolean runOne() {
            int c = next.getAndIncrement();
            if (c >= chunks) {
                return false;
            }
            try {
                if (failure.get() == null) {
                    body.run(c, c * chunk, Math.min(n, (c + 1) * chunk));
                }
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, e);
            }
            if (unfinished.decrementAndGet() == 0 && callerParked) {
                LockSupport.unpark(caller);
            }
            return true;
        }

        void awaitOthers() {
            long start = System.nanoTime();
            while (unfinished.get() > 0) {
                if (pause(start)) {
                    continue;
                }
                callerParked = true;
                if (unfinished.get() > 0) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
                }
            }
        }
    }

    /** One turn of a wait that began at {@code start}: spin, then yield; false once it is time to park. */
    private static boolean pause(long start) {
        long waited = System.nanoTime() - start;
        if (waited < SPIN_NANOS) {
            Thread.onSpinWait();
            return true;
        }
        if (waited < YIELD_NANOS) {
            Thread.yield();
            return true;
        }
        return false;
    }

    private static void wake(int wanted) {
        Worker[] ws = workers;
        if (ws == null) {
            ws = start();
        }
        for (Worker w : ws) {
            if (wanted <= 0) {
                return;
            }
            if (w.parked) {
                LockSupport.unpark(w.thread);
                wanted--;
            }
        }
    }

    private static synchronized Worker[] start() {
        if (workers == null) {
            Worker[] ws = new Worker[THREADS - 1];
            for (int i = 0; i < ws.length; i++) {
                ws[i] = new Worker(i + 1);
            }
            workers = ws;
        }
        return workers;
    }

    /** A pool thread: takes chunks of queued loops, spins a while when there are none, then parks. */
    private static final class Worker implements Runnable {
        final Thread thread;
        volatile boolean parked;

        Worker(int index) {
            thread = new Thread(this, "adjoint-kernels-" + index);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                Job job = QUEUE.peek();
                if (job != null) {
                    if (!job.runOne()) {
                        QUEUE.remove(job); // every chunk claimed: the next loop, if any
                    }
                    idleSince = System.nanoTime();
                    continue;
                }
                if (pause(idleSince)) {
                    continue;
                }
                parked = true;
                if (QUEUE.isEmpty()) {
                    LockSupport.park(this);
                }
                parked = false;
                idleSince = System.nanoTime();
            }
        }
    }
}
