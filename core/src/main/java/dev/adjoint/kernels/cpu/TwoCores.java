package dev.adjoint.kernels.cpu;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a loop over {@code [0, n)} into two halves, the second on one dedicated daemon thread
 * ("adjoint-kernels") and the first on the caller's, so the kernels written in Java (convolutions
 * and their gradients, max pooling, ReLU's backward) use a second core while ND4J runs its own ops
 * on one thread.
 *
 * <p>The hand-over spins instead of sleeping for a short while on both sides: waking a parked
 * thread costs as much as a small kernel (docs/PERFORMANCE.md). Spinning is bounded: the second
 * thread spins for {@link #YIELD_AFTER_NANOS}, then yields between checks (so the JIT's and the
 * collector's threads get the core), and parks after {@link #SPIN_NANOS}. When the caller has
 * finished its half and the second thread has not yet started the other (it may be off the core
 * while the JIT compiles), the caller takes that half back and runs it itself instead of waiting.
 *
 * <p>Not the common ForkJoin pool: its workers drop their thread-locals after every task (JDK 17),
 * so the kernels' per-thread work arrays would be reallocated on every call there. Halves must
 * write to disjoint memory; anything the caller wrote before the call is visible to the half on the
 * other thread, and everything either half wrote is visible to the caller after it. One split runs
 * at a time: a split asked for while another is in progress (another thread's, or one nested in a
 * half) runs whole on its caller's thread.
 */
public final class TwoCores {
    private TwoCores() {
    }

    /** A loop over {@code [from, to)}; {@code part} (0 or 1) says which half. */
    @FunctionalInterface
    public interface Part {
        void run(int from, int to, int part);
    }

    /** How long either side waits actively (spinning, then yielding) before parking. */
    static final long SPIN_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    /** Pure spinning for this long, then yielding the core to any other runnable thread between checks. */
    static final long YIELD_AFTER_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private static final AtomicBoolean BUSY = new AtomicBoolean();
    private static final Second SECOND = new Second();

    /**
     * Runs {@code [0, n/2)} here as part 0 and {@code [n/2, n)} as part 1 on the second core (or here
     * after part 0, if the second core has not picked it up by then), waits for both and rethrows
     * what either threw. Returns whether the loop ran as two parts (false: fewer than two items, one
     * processor, or a split already in progress; then part 0 ran all of it).
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
                first = e; // still wait: the other half may be writing into the caller's arrays
            }
            Throwable other = SECOND.takeBackOrAwait(ticket);
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

    /** The thread that runs second halves, and the counters it and the caller hand over with. */
    private static final class Second implements Runnable {
        private final Thread thread;
        private volatile Part body;
        private volatile int from;
        private volatile int to;
        /** Halves posted, claimed (by whichever thread runs it) and finished, counted from 1. */
        private volatile long posted;
        private final AtomicLong claimed = new AtomicLong();
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

        /** Runs the posted half on this thread if the second one has not claimed it, else waits for its end. */
        Throwable takeBackOrAwait(long ticket) {
            if (claimed.compareAndSet(ticket - 1, ticket)) {
                runHalf(ticket);
                return failure;
            }
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

        private void runHalf(long ticket) {
            try {
                body.run(from, to, 1);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            finished = ticket; // publishes the half's writes
        }

        /**
         * One turn of a wait that began at {@code start}: a spin at first, then a yield, and false
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
            long seen = 0;
            while (true) {
                long start = System.nanoTime();
                while (posted == seen) {
                    if (pause(start)) {
                        continue;
                    }
                    secondParked = true;
                    if (posted == seen) {
                        LockSupport.park(this);
                    }
                    secondParked = false;
                }
                seen = posted;
                if (!claimed.compareAndSet(seen - 1, seen)) {
                    continue; // the caller took this half back and runs it itself
                }
                runHalf(seen);
                Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }
    }
}
