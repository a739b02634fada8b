package dev.adjoint.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.ops.F;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ArenaTest {
    private final Tensor w1 = Tensor.randn(1, DType.FLOAT32, 4, 2, 3, 3).mul(0.3).detach().requiresGrad(true);
    private final Tensor b1 = Tensor.randn(2, DType.FLOAT32, 4).detach().requiresGrad(true);
    private final Tensor wt = Tensor.randn(3, DType.FLOAT32, 4, 3, 3, 3).mul(0.3).detach().requiresGrad(true);
    private final Tensor w2 = Tensor.randn(4, DType.FLOAT32, 5, 3 * 8 * 8).mul(0.1).detach().requiresGrad(true);
    private final Tensor b2 = Tensor.randn(5, DType.FLOAT32, 5).detach().requiresGrad(true);
    private final Tensor[] params = {w1, b1, wt, w2, b2};

    @AfterEach
    void closeLeftovers() {
        Arena open = Arena.current();
        if (open != null) {
            open.close();
        }
    }

    /** conv, relu, pool, convTranspose, broadcasting add/mul, linear, cross-entropy: one step's loss and gradients. */
    private double[][] step(Tensor x) {
        for (Tensor p : params) {
            p.zeroGrad();
        }
        Tensor h = F.relu(F.conv2d(x, w1, b1, 1, 1));
        h = F.maxPool2d(h, 2);
        h = F.convTranspose2d(h, wt, null, 2, 1, 1);
        h = F.mul(h, F.sigmoid(h)).add(Tensor.of(new double[] {0.5, -0.25, 1}, 1, 3, 1, 1));
        Tensor logits = F.linear(F.reshape(h, 2, 3 * 8 * 8), w2, b2);
        Tensor loss = F.crossEntropy(logits, new int[] {1, 4});
        loss.backward();
        double[][] out = new double[params.length + 1][];
        out[0] = new double[] {loss.item()};
        for (int i = 0; i < params.length; i++) {
            out[i + 1] = params[i].grad().toDoubleArray();
        }
        return out;
    }

    private static Tensor input(double scale) {
        return Tensor.randn(7, DType.FLOAT32, 2, 2, 8, 8).mul(scale).detach();
    }

    @Test
    void stepsInArenasGiveExactlyTheValuesOfStepsWithout() {
        double[][] reference = step(input(1));
        for (int rep = 0; rep < 3; rep++) {
            try (Arena a = Arena.open()) {
                // a different input in between leaves other values in the pooled buffers
                step(input(rep == 1 ? -3 : 1));
            }
            double[][] again;
            try (Arena a = Arena.open()) {
                again = step(input(1));
            }
            assertThat(again).isDeepEqualTo(reference);
        }
    }

    @Test
    void aTensorInAClosedArenaRefusesToShowReusedMemory() {
        Tensor x = input(1);
        Tensor y;
        Tensor kept;
        try (Arena a = Arena.open()) {
            y = F.relu(F.conv2d(x, w1, b1, 1, 1));
            kept = y.copy();
            F.sum(y).backward();
            assertThat(y.isValid()).isTrue();
        }
        assertThat(y.isValid()).isFalse();
        assertThatThrownBy(y::data).isInstanceOf(IllegalStateException.class).hasMessageContaining("Arena").hasMessageContaining("copy()");
        assertThatThrownBy(y::item).isInstanceOf(IllegalStateException.class);
        assertThat(y.toString()).contains("released");
        // what was copied, the input and the parameters' gradients live outside the pool
        assertThat(kept.toDoubleArray()).hasSize((int) kept.numel());
        assertThat(x.isValid()).isTrue();
        assertThat(w1.grad().isValid()).isTrue();
        assertThat(w1.grad().toDoubleArray()).hasSize(4 * 2 * 3 * 3);
    }

    @Test
    void intArraysAreLentByTheOpenArenaAndReusedOnlyAfterItCloses() {
        int[] first;
        try (Arena a = Arena.open()) {
            first = Arena.ints(37);
            assertThat(Arena.ownerOf(first)).isSameAs(a);
            assertThat(Arena.ints(37)).isNotSameAs(first); // lent arrays are not lent twice
        }
        assertThat(Arena.ownerOf(first)).isNull();
        try (Arena b = Arena.open()) {
            int[] again = Arena.ints(37);
            int[] other = Arena.ints(37);
            assertThat(again == first || other == first).as("a returned array is lent again").isTrue();
            assertThat(Arena.ints(38)).hasSize(38);
        }
    }

    @Test
    void thePoolStopsGrowingAfterTheFirstStep() {
        long[] bytes = new long[6];
        for (int i = 0; i < bytes.length; i++) {
            try (Arena a = Arena.open()) {
                step(input(1 + i));
            }
            bytes[i] = Arena.pooledBytes();
        }
        assertThat(bytes[1]).isPositive();
        assertThat(bytes).containsOnly(bytes[1]);
    }

    @Test
    void anArrayGoesBackToThePoolOfItsShapeEvenIfTheCallerChangesItsShapeArray() {
        Arena.clearPool();
        long[] shape = {3, 4};
        org.nd4j.linalg.api.ndarray.INDArray first;
        try (Arena a = Arena.open()) {
            first = Arena.allocate(org.nd4j.linalg.api.buffer.DataType.FLOAT, shape);
            shape[1] = 5; // a caller reusing its shape array
        }
        try (Arena a = Arena.open()) {
            org.nd4j.linalg.api.ndarray.INDArray again = Arena.allocate(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 4);
            assertThat(again).as("the [3, 4] array of the previous step, reused").isSameAs(first);
            org.nd4j.linalg.api.ndarray.INDArray other = Arena.allocate(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 5);
            assertThat(other).isNotSameAs(first);
            assertThat(other.shape()).containsExactly(3, 5);
        }
    }

    @Test
    void arenasDoNotNest() {
        try (Arena a = Arena.open()) {
            assertThat(Arena.current()).isSameAs(a);
            assertThatThrownBy(Arena::open).isInstanceOf(IllegalStateException.class).hasMessageContaining("do not nest");
            assertThatThrownBy(Arena::clearPool).isInstanceOf(IllegalStateException.class);
        }
        assertThat(Arena.current()).isNull();
        try (Arena b = Arena.open()) {
            assertThat(b.toString()).contains("open");
        }
        Arena.clearPool();
        assertThat(Arena.pooledBytes()).isZero();
    }
}
