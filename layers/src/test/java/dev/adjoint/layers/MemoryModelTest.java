package dev.adjoint.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.kernels.Arena;
import dev.adjoint.ops.F;
import dev.adjoint.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The library's runtime as a plain training loop meets it: step memory that the optimizer recycles
 * (no Arena in sight), a clear error for a tensor kept too long, evaluation outside the pool, and
 * training from two threads at once giving the same results as one after the other.
 */
class TrainingRuntimeTest {
    @AfterEach
    void dropPool() {
        Arena.clearPool();
    }

    private static Sequential lenetLike(long seed) {
        Init.manualSeed(seed);
        return new Sequential(new Conv2d(1, 6, 5, 1, 2), new ReLU(), new MaxPool2d(2), new Conv2d(6, 16, 5), new ReLU(),
                new MaxPool2d(2), new Flatten(), new Linear(400, 32), new ReLU(), new Linear(32, 10));
    }

    private static int[] labels(int n, int salt) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = (i * 7 + salt) % 10;
        }
        return y;
    }

    @Test
    void thePlainLoopReusesItsMemoryAfterTheFirstSteps() {
        Sequential model = lenetLike(0);
        SGD opt = new SGD(model.parameters(), 0.01, 0.9);
        Tensor x = Tensor.randn(1, DType.FLOAT32, 16, 1, 28, 28);
        long[] pooled = new long[12];
        for (int step = 0; step < pooled.length; step++) {
            Tensor loss = F.crossEntropy(model.forward(x), labels(16, 0));
            opt.zeroGrad();
            loss.backward();
            opt.step();
            assertThat(loss.item()).isFinite(); // read after step(): still valid
            pooled[step] = Arena.pooledBytes();
        }
        assertThat(pooled[2]).as("the loop pools its step memory").isGreaterThan(0);
        for (int step = 5; step < pooled.length; step++) {
            assertThat(pooled[step]).as("pool after step " + step + " (steps: " + java.util.Arrays.toString(pooled) + ")")
                    .isEqualTo(pooled[4]);
        }
    }

    @Test
    void aTensorFromTwoStepsAgoFailsClearlyAndOneFromTheLastStepIsStillThere() {
        Sequential model = lenetLike(0);
        SGD opt = new SGD(model.parameters(), 0.01);
        Tensor x = Tensor.randn(2, DType.FLOAT32, 4, 1, 28, 28);
        List<Tensor> outputs = new ArrayList<>();
        List<Tensor> copies = new ArrayList<>();
        for (int step = 0; step < 4; step++) {
            Tensor out = model.forward(x);
            Tensor loss = F.crossEntropy(out, labels(4, step));
            opt.zeroGrad();
            loss.backward();
            opt.step();
            outputs.add(out);
            copies.add(out.copy());
        }
        // step 0 ran before any step memory existed; step 1's memory went back when step 3 ended
        // (Arena.LIVE_STEPS = 2 ended steps stay live); steps 2 and 3 are still readable
        assertThatThrownBy(() -> outputs.get(1).data()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("released").hasMessageContaining("copy()");
        assertThat(outputs.get(1).toString()).contains("released");
        assertThat(outputs.get(2).toDoubleArray()).containsExactly(copies.get(2).toDoubleArray());
        assertThat(outputs.get(3).toDoubleArray()).containsExactly(copies.get(3).toDoubleArray());
        assertThat(copies.get(1).toDoubleArray()).hasSize(40); // a copy survives
    }

    @Test
    void backwardThroughAReleasedGraphIsAnErrorNotStaleData() {
        Sequential model = lenetLike(0);
        SGD opt = new SGD(model.parameters(), 0.01);
        Tensor x = Tensor.randn(3, DType.FLOAT32, 4, 1, 28, 28);
        for (int step = 0; step < 2; step++) { // start the step memory
            Tensor loss = F.crossEntropy(model.forward(x), labels(4, 0));
            opt.zeroGrad();
            loss.backward();
            opt.step();
        }
        Tensor kept = F.crossEntropy(model.forward(x), labels(4, 1)); // its graph lives in this step's memory
        for (int step = 0; step < 3; step++) {
            Tensor loss = F.crossEntropy(model.forward(x), labels(4, 0));
            opt.zeroGrad();
            loss.backward();
            opt.step();
        }
        assertThatThrownBy(kept::backward).isInstanceOf(IllegalStateException.class).hasMessageContaining("released");
    }

    @Test
    void evaluationUnderNoGradIsNotPooled() {
        Sequential model = lenetLike(0);
        SGD opt = new SGD(model.parameters(), 0.01);
        Tensor x = Tensor.randn(4, DType.FLOAT32, 4, 1, 28, 28);
        for (int step = 0; step < 3; step++) {
            Tensor loss = F.crossEntropy(model.forward(x), labels(4, 0));
            opt.zeroGrad();
            loss.backward();
            opt.step();
        }
        Tensor trained = model.forward(x);
        assertThat(Arena.ownerOf(trained.data())).as("training-mode output is step memory").isNotNull();
        try (GradMode.Scope g = GradMode.disabled()) {
            Tensor eval = model.forward(x);
            assertThat(Arena.ownerOf(eval.data())).as("no-grad output").isNull();
        }
    }

    @Test
    void twoThreadsTrainingAtOnceGetWhatTheyGetOneAfterTheOther() throws Exception {
        Tensor x = Tensor.randn(5, DType.FLOAT32, 8, 1, 28, 28);
        double[] sequentialA = train(lenetLike(7), x, 0);
        double[] sequentialB = train(lenetLike(8), x, 3);
        Sequential a = lenetLike(7);
        Sequential b = lenetLike(8);
        double[][] concurrent = new double[2][];
        Throwable[] failure = new Throwable[2];
        Thread ta = new Thread(() -> {
            try {
                concurrent[0] = train(a, x, 0);
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        Thread tb = new Thread(() -> {
            try {
                concurrent[1] = train(b, x, 3);
            } catch (Throwable t) {
                failure[1] = t;
            }
        });
        ta.start();
        tb.start();
        ta.join(120_000);
        tb.join(120_000);
        assertThat(failure).containsOnlyNulls();
        assertThat(concurrent[0]).containsExactly(sequentialA);
        assertThat(concurrent[1]).containsExactly(sequentialB);
    }

    /** Six SGD steps; returns every parameter value afterwards. */
    private static double[] train(Sequential model, Tensor x, int salt) {
        SGD opt = new SGD(model.parameters(), 0.05, 0.9);
        for (int step = 0; step < 6; step++) {
            Tensor loss = F.crossEntropy(model.forward(x), labels(8, salt + step));
            opt.zeroGrad();
            loss.backward();
            opt.step();
        }
        List<Double> all = new ArrayList<>();
        for (Tensor p : model.parameters()) {
            for (double v : p.toDoubleArray()) {
                all.add(v);
            }
        }
        Arena.clearPool();
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
