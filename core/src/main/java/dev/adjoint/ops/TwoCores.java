package dev.adjoint.ops;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a loop over {@code [0, n)} into two halves, the second on one dedicated daemon thread
 * ("adjoint-kernels") and the first on the caller's. This project's machines have two cores and
 * ND4J runs its own ops on one thread (the examples set {@code OMP_NUM_THREADS=1}), so the kernels
 * written in Java (convolutions and their gradients) use the second core this way.
 *
 * <p>The hand-over spins instead of sleeping for a short while on both sides. With an executor
 * (park and unpark through the kernel) one split cost 80-120 us even for an empty loop on this
 * project's machine (a VM), as much as half of a LeNet-sized kernel. Spinning is bounded: the
 * second thread spins for {@link #SPIN_NANOS} after each half, then parks until the next split;
 * the caller spins for as long while waiting for the other half, then parks.
 *
 * <p>Not the common ForkJoin pool: its workers drop their thread-locals after every task (JDK 17),
 * so the kernels' per-thread work arrays would be reallocated on every call there (~350 KB of
 * fresh heap per LeNet step). Halves must write to disjoint memory; anything the caller wrote
 * before the call is visible to the second thread, and everything either half wrote is visible to
 * the caller after it. One split runs at a time: a split asked for while another is in progress
 * (another thread's, or one nested in a half) runs whole on its caller's thread.
 */
public final class TwoCores {
    private TwoCores() {
    }

    /** A loop over {@code [from, to)}; {@code part} (0 or 1) says which half. */
    @FunctionalInterface
    public interface Part {
        void run(int from, int to, int part);
    }

    /** How long either side spins before parking: longer than the gap between two convolutions of a LeNet step. */
    static final long SPIN_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    /** Pure spinning for this long, then yielding the core to any other runnable thread between checks. */
    static final long YIELD_AFTER_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private static final AtomicBoolean BUSY = new AtomicBoolean();
    private static final Second SECOND = new Second();

    /**
     * Runs {@code [n/2, n)} on the second core and {@code [0, n/2)} here, then waits for both and
     * rethrows what either threw. Returns whether the loop was split (false: fewer than two items,
     * one processor, or a split already in progress; then part 0 ran all of it).
     */
    public static boolean split(int n, Part body) {
        if (n < 2 || Runtime.getRuntime().availableProcessors() < 2 || !BUSY.compareAndSet(false, true)) {
            body.run(0, n, 0);
            return false;
        }
        try {
            int mid = n / 2;
            long ticket = SECOND.post(body, mid, n);
            Throwable first = null;
            try {
                body.run(0, mid, 0);
            } catch (RuntimeException | Error e) {
                first = e; // still wait: the other half is writing into the caller's arrays
            }
            Throwable other = SECOND.await(ticket);
            Throwable thrown = first != null ? first : other;
            if (thrown instanceof RuntimeException r) {
                throw r;
            }
            if (thrown instanceof Error e) {
                throw e;
            }
            return true;
        } finally {
            BUSY.set(false);
        }
    }

    /** The thread that runs second halves, and the two counters it and the caller hand over with. */
    private static final class Second implements Runnable {
        private final Thread thread;
        private volatile Part body;
        private volatile int from;
        private volatile int to;
        /** Halves posted and halves finished; the thread works while posted > finished. */
        private volatile long posted;
        private volatile long finished;
        private volatile Throwable failure;
        /** Set while that side is parked (or about to), so the other knows to unpark it. */
        private volatile boolean secondParked;
        private volatile Thread waiter;

        Second() {
            thread = new Thread(this, "adjoint-kernels");
            thread.setDaemon(true);
            thread.start();
        }

        long post(Part b, int lo, int hi) {
            body = b;
            from = lo;
            to = hi;
            failure = null;
            long ticket = posted + 1;
            posted = ticket; // publishes the fields above
            if (secondParked) {
                LockSupport.unpark(thread);
            }
            return ticket;
        }

        Throwable await(long ticket) {
            long start = System.nanoTime();
            while (finished < ticket) {
                if (pause(start)) {
                    continue;
                }
                waiter = Thread.currentThread();
                if (finished < ticket) {
                    LockSupport.park(this); // unparked by the second thread when it finishes
                }
                waiter = null;
            }
            return failure;
        }

        /**
         * One turn of a wait that began at {@code start}: a spin at first, then a yield (so that the
         * JIT compiler's and the collector's threads still get the core while we wait), and false
         * once {@link #SPIN_NANOS} have passed, when the caller should park instead.
         */
        private static boolean pause(long start) {
            long waited = System.nanoTime() - start;
            if (waited < YIELD_AFTER_NANOS) {
                Thread.onSpinWait();
                return true;
            }
            if (waited < SPIN_NANOS) {
                Thread.yield();
                return true;
            }
            return false;
        }

        @Override
        public void run() {
            long done = 0;
            while (true) {
                long start = System.nanoTime();
                while (posted == done) {
                    if (pause(start)) {
                        continue;
                    }
                    secondParked = true;
                    if (posted == done) {
                        LockSupport.park(this);
                    }
                    secondParked = false;
                }
                done = posted;
                try {
                    body.run(from, to, 1);
                } catch (RuntimeException | Error e) {
                    failure = e;
                }
                finished = done; // publishes the half's writes
                Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }
    }
}
