package dev.adjoint.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The parallel-for: every index exactly once, chunks as laid out, failures rethrown, nested and
 * concurrent loops. The build runs this class in the default surefire execution and again with
 * {@code -XX:ActiveProcessorCount=8} (core/pom.xml); run it with 1 or 3 the same way.
 */
class ParallelTest {
    @Test
    void everyIndexRunsOnceWhateverTheSizes() {
        for (int n : new int[] {0, 1, 2, 7, 64, 1000, 4097}) {
            for (int chunk : new int[] {1, 3, 64, 5000}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(1, n));
                Parallel.forEach(n, chunk, (c, from, to) -> {
                    assertThat(from).isEqualTo(c * chunk);
                    assertThat(to).isEqualTo(Math.min(n, (c + 1) * chunk));
                    for (int i = from; i < to; i++) {
                        seen.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertThat(seen.get(i)).as("n=" + n + " chunk=" + chunk + " index " + i).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void theThreadCountComesFromTheMachine() {
        String property = System.getProperty(Parallel.PROPERTY);
        int expected = property == null ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(property);
        assertThat(Parallel.threads()).isEqualTo(expected);
    }

    @Test
    void theManyThreadsExecutionReallyHasThem() {
        String expected = System.getProperty("adjoint.test.processors");
        if (expected != null) { // set by the surefire execution that runs with -XX:ActiveProcessorCount
            assertThat(Runtime.getRuntime().availableProcessors()).isEqualTo(Integer.parseInt(expected));
            assertThat(Parallel.threads()).isEqualTo(Integer.parseInt(expected));
        }
    }

    @Test
    void moreThanOneThreadTakesChunksWhenThereAreProcessors() {
        Set threads = new Set();
        for (int round = 0; round < 50 && threads.size() < 2; round++) {
            Parallel.forEach(64, 1, (c, from, to) -> {
                threads.add(Thread.currentThread().getName());
                spin(20_000);
            });
        }
        if (Parallel.threads() > 1) {
            assertThat(threads.size()).as("threads seen: " + threads).isGreaterThan(1);
        } else {
            assertThat(threads.size()).isEqualTo(1);
        }
    }

    @Test
    void writesOfEveryChunkAreVisibleAfterwards() {
        for (int round = 0; round < 500; round++) {
            int[] out = new int[97];
            int r = round;
            Parallel.forEach(out.length, 5, (c, from, to) -> {
                for (int i = from; i < to; i++) {
                    out[i] = i + r;
                }
            });
            for (int i = 0; i < out.length; i++) {
                assertThat(out[i]).isEqualTo(i + round);
            }
        }
    }

    @Test
    void aFailingChunkIsRethrownAfterTheOthersFinish() {
        AtomicIntegerArray done = new AtomicIntegerArray(16);
        assertThatThrownBy(() -> Parallel.forEach(16, 1, (c, from, to) -> {
            if (c == 5) {
                throw new IllegalStateException("chunk 5 failed");
            }
            done.set(c, 1);
        })).isInstanceOf(IllegalStateException.class).hasMessage("chunk 5 failed");
        // the pool is still usable afterwards
        int[] sum = new int[1];
        Parallel.forEach(1, 1, (c, from, to) -> sum[0] += 1);
        assertThat(sum[0]).isEqualTo(1);
    }

    @Test
    void nestedAndConcurrentLoopsComplete() throws Exception {
        List<Thread> callers = new ArrayList<>();
        long[] totals = new long[3];
        for (int t = 0; t < totals.length; t++) {
            int me = t;
            Thread th = new Thread(() -> {
                for (int round = 0; round < 100; round++) {
                    long[] partial = new long[8];
                    Parallel.forEach(8, 1, (outer, from, to) -> {
                        long[] inner = new long[4];
                        Parallel.forEach(400, 100, (c, lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                inner[c] += i;
                            }
                        });
                        partial[outer] = inner[0] + inner[1] + inner[2] + inner[3];
                    });
                    for (long p : partial) {
                        totals[me] += p;
                    }
                }
            });
            callers.add(th);
            th.start();
        }
        for (Thread th : callers) {
            th.join(60_000);
            assertThat(th.isAlive()).as("a caller is stuck").isFalse();
        }
        long expected = 100L * 8 * (399L * 400 / 2);
        assertThat(totals).containsOnly(expected);
    }

    @Test
    void kernelResultsDoNotDependOnHowManyThreadsRan() {
        java.util.Random r = new java.util.Random(3);
        CpuKernels k = new CpuKernels();
        dev.adjoint.kernels.ConvParams p = new dev.adjoint.kernels.ConvParams(1, 1, 1, 1, 1, 1, 0, 0, 1);
        org.nd4j.linalg.api.ndarray.INDArray x = randn(r, 37, 12, 9, 9);
        org.nd4j.linalg.api.ndarray.INDArray w = randn(r, 20, 12, 3, 3);
        org.nd4j.linalg.api.ndarray.INDArray gy = randn(r, 37, 20, 9, 9);
        org.nd4j.linalg.api.ndarray.INDArray narrow = randn(r, 37, 1, 9, 9);
        org.nd4j.linalg.api.ndarray.INDArray wNarrow = randn(r, 4, 1, 3, 3);
        org.nd4j.linalg.api.ndarray.INDArray a = randn(r, 130, 90);
        org.nd4j.linalg.api.ndarray.INDArray b = randn(r, 90, 70);
        org.nd4j.linalg.api.ndarray.INDArray big = randn(r, 140_001);
        org.nd4j.linalg.api.ndarray.INDArray depthwise = randn(r, 20, 1, 3, 3);
        org.nd4j.linalg.api.ndarray.INDArray depthwiseGy = randn(r, 37, 20, 5, 5);
        dev.adjoint.kernels.ConvParams dw = new dev.adjoint.kernels.ConvParams(2, 2, 1, 1, 1, 1, 0, 0, 20); // depthwise, stride 2
        // 16 channels at 20x20: the shifted products (ShiftedConv), all three ways, and a 1x1 kernel
        org.nd4j.linalg.api.ndarray.INDArray x16 = randn(r, 37, 16, 20, 20);
        org.nd4j.linalg.api.ndarray.INDArray w16 = randn(r, 16, 16, 3, 3);
        org.nd4j.linalg.api.ndarray.INDArray gy16 = randn(r, 37, 16, 20, 20);
        org.nd4j.linalg.api.ndarray.INDArray w1x1 = randn(r, 8, 16, 1, 1);
        dev.adjoint.kernels.ConvParams none = new dev.adjoint.kernels.ConvParams(1, 1, 0, 0, 1, 1, 0, 0, 1);
        assertThat(ShiftedConv.suitsConv(x16, w16, p) && ShiftedConv.suitsTranspose(gy16, w16, 20, 20, p)
                && ShiftedConv.suitsWeightGrad(x16, gy16, p, 3, 3) && ShiftedConv.suitsConv(x16, w1x1, none)).isTrue();
        java.util.List<java.util.function.Supplier<org.nd4j.linalg.api.ndarray.INDArray>> ops = List.of(
                () -> k.conv2d(x, w, null, 9, 9, p),
                () -> k.conv2d(narrow, wNarrow, null, 9, 9, p),
                () -> k.convTranspose2d(gy, w, null, 9, 9, p),
                () -> k.convWeightGrad(x, gy, 3, 3, p),
                () -> k.matmul(a, true, a, false),
                () -> k.matmul(a, false, b, false),
                () -> k.reluBackward(big, big),
                () -> k.sum(gy, new int[] {0, 2, 3}, new long[] {1, 20, 1, 1}),
                () -> k.maxPool2d(gy, new dev.adjoint.kernels.PoolParams(37, 20, 9, 9, 2, 2, 2, 2, 0, 0, 4, 4)).values(),
                () -> k.channelStatistics(gy, 1e-5)[2],
                () -> k.channelGradientSums(gy, gy, k.channelStatistics(gy, 1e-5)[0], k.channelStatistics(gy, 1e-5)[1])[1],
                () -> k.channelGradientSums(gy, gy, k.channelStatistics(gy, 1e-5)[0], k.channelStatistics(gy, 1e-5)[1])[0],
                () -> k.batchNormInputGrad(gy, gy, k.channelStatistics(gy, 1e-5)[0], k.channelStatistics(gy, 1e-5)[1], null, true),
                () -> k.conv2d(gy, depthwise, null, 5, 5, dw),
                () -> k.convWeightGrad(gy, depthwiseGy, 3, 3, dw),
                () -> k.conv2d(x16, w16, null, 20, 20, p),
                () -> k.convTranspose2d(gy16, w16, null, 20, 20, p),
                () -> k.convWeightGrad(x16, gy16, 3, 3, p),
                () -> k.conv2d(x16, w1x1, null, 20, 20, none));
        for (int i = 0; i < ops.size(); i++) {
            float[] many = k.toFloats(ops.get(i).get());
            float[] one = k.toFloats(Parallel.inline(ops.get(i)));
            assertThat(many).as("op " + i + " on " + Parallel.threads() + " threads vs one").containsExactly(one);
        }
    }

    private static org.nd4j.linalg.api.ndarray.INDArray randn(java.util.Random r, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return org.nd4j.linalg.factory.Nd4j.create(v, shape, 'c');
    }

    @Test
    void aBadChunkSizeIsRejected() {
        assertThatThrownBy(() -> Parallel.forEach(10, 0, (c, from, to) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunk size 0");
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    /** A thread-safe set of names. */
    private static final class Set {
        private final java.util.Set<String> names = ConcurrentHashMap.newKeySet();

        void add(String s) {
            names.add(s);
        }

        int size() {
            return names.size();
        }

        @Override
        public String toString() {
            return names.toString();
        }
    }
}
