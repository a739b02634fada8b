package dev.adjoint.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hand-over between the caller and the second thread: coverage, visibility, failures, nesting, parking. */
@Timeout(60) // a lost wake-up would hang the split
class TwoCoresTest {
    private static final boolean TWO = Runtime.getRuntime().availableProcessors() >= 2;

    /** Runs a split that marks each index with its part + 1 and checks every index was done exactly once. */
    private static void coversEveryIndexOnce(int n) {
        int[] seen = new int[n];
        int[] part = new int[n];
        boolean split = TwoCores.split(n, (from, to, p) -> {
            for (int i = from; i < to; i++) {
                seen[i]++;
                part[i] = p + 1;
            }
        });
        for (int i = 0; i < n; i++) {
            assertThat(seen[i]).as("index %d of %d", i, n).isEqualTo(1);
            // the first half on part 0, the second on part 1; unsplit: all on part 0
            int expected = split && i >= n / 2 ? 2 : 1;
            assertThat(part[i]).as("part of index %d of %d", i, n).isEqualTo(expected);
        }
        assertThat(split).as("split of %d", n).isEqualTo(TWO && n >= 2);
    }

    @Test
    void everyIndexRunsOnceAndTheSecondHalfSeesTheCallersWrites() {
        for (int n : new int[] {0, 1, 2, 3, 7, 64, 1001}) {
            coversEveryIndexOnce(n);
        }
        // many splits in a row: the counters must not fall out of step
        long[] input = new long[100];
        long[] output = new long[100];
        for (int round = 0; round < 2000; round++) {
            for (int i = 0; i < input.length; i++) {
                input[i] = round * 1000L + i; // written by the caller just before the split
            }
            TwoCores.split(input.length, (from, to, p) -> {
                for (int i = from; i < to; i++) {
                    output[i] = input[i] * 2;
                }
            });
            for (int i = 0; i < input.length; i++) {
                assertThat(output[i]).as("round %d index %d", round, i).isEqualTo(input[i] * 2);
            }
        }
    }

    @Test
    void worksAfterTheSecondThreadHasParked() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            Thread.sleep(TwoCores.SPIN_NANOS / 1_000_000 * 3 + 5); // past the spin: the second thread parks
            coversEveryIndexOnce(10);
        }
    }

    @Test
    void aFailureInEitherHalfReachesTheCallerAndLaterSplitsStillWork() {
        if (TWO) {
            assertThatThrownBy(() -> TwoCores.split(10, (from, to, p) -> {
                if (p == 1) {
                    throw new IllegalStateException("second half failed");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("second half failed");
        }
        AtomicInteger secondDone = new AtomicInteger();
        assertThatThrownBy(() -> TwoCores.split(10, (from, to, p) -> {
            if (p == 0 && from == 0) {
                throw new IllegalArgumentException("first half failed");
            }
            secondDone.incrementAndGet();
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("first half failed");
        if (TWO) {
            assertThat(secondDone.get()).as("the second half still ran to its end").isEqualTo(1);
        }
        coversEveryIndexOnce(10);
    }

    @Test
    void aSplitInsideAHalfOrOnAnotherThreadRunsWhole() throws InterruptedException {
        List<Boolean> inner = new ArrayList<>();
        TwoCores.split(2, (from, to, p) -> {
            if (p == 0) {
                inner.add(TwoCores.split(4, (f, t, q) -> { }));
            }
        });
        assertThat(inner).containsExactly(false);
        // two threads splitting at once: each still covers its whole range exactly once
        List<Throwable> failures = new ArrayList<>();
        Thread[] threads = new Thread[2];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                try {
                    for (int r = 0; r < 500; r++) {
                        int[] seen = new int[33];
                        TwoCores.split(seen.length, (from, to, p) -> {
                            for (int i = from; i < to; i++) {
                                seen[i]++;
                            }
                        });
                        for (int s : seen) {
                            assertThat(s).isEqualTo(1);
                        }
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();
    }
}
