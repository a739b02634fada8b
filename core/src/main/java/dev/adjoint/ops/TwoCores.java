package dev.adjoint.ops;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Splits a loop over {@code [0, n)} into two halves, the second on one dedicated daemon thread
 * ("adjoint-kernels") and the first on the caller's. This project's machines have two cores and
 * ND4J runs its own ops on one thread (the examples set {@code OMP_NUM_THREADS=1}), so the kernels
 * written in Java (convolutions, max pooling, the conv bias sum) use the second core this way.
 *
 * <p>Not the common ForkJoin pool: its workers drop their thread-locals after every task (JDK 17),
 * so the kernels' per-thread work arrays would be reallocated on every call there (~350 KB of
 * fresh heap per LeNet step). Halves must write to disjoint memory; anything the caller wrote
 * before the call is visible to the second thread, and everything either half wrote is visible to
 * the caller after it.
 */
public final class TwoCores {
    private TwoCores() {
    }

    /** A loop over {@code [from, to)}; {@code part} (0 or 1) says which half. */
    @FunctionalInterface
    public interface Part {
        void run(int from, int to, int part);
    }

    /** One daemon thread for the second half of every split; its thread-locals persist between calls. */
    private static final ExecutorService SECOND_CORE = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "adjoint-kernels");
        t.setDaemon(true);
        return t;
    });

    /**
     * Runs {@code [n/2, n)} on the second core and {@code [0, n/2)} here, then waits for both and
     * rethrows what either threw. Returns whether the loop was split (false: fewer than two items
     * or one processor, and part 0 ran all of it).
     */
    public static boolean split(int n, Part body) {
        if (n < 2 || Runtime.getRuntime().availableProcessors() < 2) {
            body.run(0, n, 0);
            return false;
        }
        int mid = n / 2;
        Future<?> second = SECOND_CORE.submit(() -> body.run(mid, n, 1));
        try {
            body.run(0, mid, 0);
        } finally {
            join(second);
        }
        return true;
    }

    private static void join(Future<?> f) {
        boolean interrupted = false;
        while (true) {
            try {
                f.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // let the other half finish: it is writing into the caller's arrays
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
