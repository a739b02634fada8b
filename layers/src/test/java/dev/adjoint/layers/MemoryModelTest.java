package dev.adjoint.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Autograd;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.memory.Memory;
import dev.adjoint.ops.F;
import dev.adjoint.optim.Adam;
import dev.adjoint.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The memory model as training loops meet it (PyTorch's rule): a tensor the program still holds
 * keeps its values whatever runs meanwhile, on any thread; memory nobody holds is reused, so a
 * loop's pool stays bounded. {@link Memory#collect()} stands in for the collections a long loop
 * triggers by itself. The build runs this class on both kernel sets and with eight processors.
 */
class MemoryModelTest {
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

    private static Tensor step(Sequential model, SGD opt, Tensor x, int salt) {
        Tensor loss = F.crossEntropy(model.forward(x), labels((int) x.shape()[0], salt));
        opt.zeroGrad();
        loss.backward();
        opt.step();
        return loss;
    }

    @Test
    void tensorsKeptAcrossManyStepsKeepTheirValues() {
        Sequential model = lenetLike(0);
        SGD opt = new SGD(model.parameters(), 0.01, 0.9);
        Tensor x = Tensor.randn(2, DType.FLOAT32, 4, 1, 28, 28);
        List<Tensor> outputs = new ArrayList<>();
        List<double[]> valuesThen = new ArrayList<>();
        List<INDArray> arrays = new ArrayList<>();
        List<Tensor> losses = new ArrayList<>();
        double sumThen = 0;
        for (int step = 0; step < 40; step++) {
            Tensor out = model.forward(x);
            Tensor loss = F.crossEntropy(out, labels(4, step));
            opt.zeroGrad();
            loss.backward();
            opt.step();
            outputs.add(out);
            arrays.add(out.data()); // an ND4J array kept from data(): the tensor's own memory
            valuesThen.add(out.toDoubleArray());
            losses.add(loss);
            sumThen += loss.item();
            if (step % 8 == 0) {
                Memory.collect(); // what a long loop's own collections do: unreachable memory is reused after this
            }
        }
        for (int i = 0; i < outputs.size(); i++) {
            assertThat(outputs.get(i).toDoubleArray()).as("output of step " + i).containsExactly(valuesThen.get(i));
            assertThat(new Tensor(arrays.get(i)).toDoubleArray()).as("data() of step " + i).containsExactly(valuesThen.get(i));
        }
        double sumNow = 0;
        for (Tensor l : losses) {
            sumNow += l.item();
        }
        assertThat(sumNow).as("a list of losses averaged at the end").isEqualTo(sumThen);
    }

    @Test
    void theLoopReusesItsMemory() {
        Sequential model = lenetLike(0);
        SGD opt = new SGD(model.parameters(), 0.01, 0.9);
        Tensor x = Tensor.randn(1, DType.FLOAT32, 16, 1, 28, 28);
        long[] held = new long[60];
        for (int s = 0; s < held.length; s++) {
            step(model, opt, x, s);
            if (s % 5 == 4) {
                Memory.collect();
            }
            Memory.Stats m = Memory.stats();
            held[s] = m.lentBytes() + m.freeBytes();
        }
        // after a collection every step finds last step's blocks free: what the pool holds stops growing
        assertThat(held[59]).as("pool after 60 steps vs after 20: " + java.util.Arrays.toString(held)).isLessThanOrEqualTo(held[19] * 5 / 4);
        assertThat(held[59]).isGreaterThan(0);
    }

    @Test
    void thePoolGivesIdleMemoryBackWhenDemandFalls() {
        // elementwise outputs come from the pool on both kernel sets
        Tensor big = Tensor.randn(3, DType.FLOAT32, 64, 6, 28, 28);
        for (int s = 0; s < 5; s++) {
            big.add(big).mul(big);
        }
        Memory.collect();
        long bigBytes = 64L * 6 * 28 * 28 * 4;
        long free = Memory.stats().freeBytes();
        assertThat(free).as("the big outputs' blocks are free once nothing holds them").isGreaterThanOrEqualTo(bigBytes);
        Tensor small = Tensor.randn(4, DType.FLOAT32, 1, 6, 28, 28);
        for (int i = 0; i < 3; i++) { // demand falls: only small outputs now
            small.add(small).mul(small);
            Memory.collect();
        }
        assertThat(Memory.stats().freeBytes()).as("after collections without big outputs, their blocks are freed").isLessThan(bigBytes);
    }


    @Test
    void aBackwardPassTellsThePoolHowMuchItsGraphHeld() {
        Memory.collect(); // starts a new interval: the largest graph counted is one of this test's
        Memory.collect();
        assertThat(Memory.stats().graphBytes()).isZero();
        Tensor x = Tensor.randn(5, DType.FLOAT32, 64, 6, 28, 28).requiresGrad(true);
        Tensor h = x.add(x); // a pooled array of x's size on both kernel sets
        Tensor loss = h.mul(h).sum(); // the product saves h twice: the same memory, counted once
        long bytes = 64L * 6 * 28 * 28 * 4;
        loss.backward();
        long graph = Memory.stats().graphBytes();
        assertThat(graph).as("the graph held h's memory for its backward").isGreaterThanOrEqualTo(bytes).isLessThan(3 * bytes);
        assertThat(h.data().getDouble(0)).as("h is still the user's: its values stay").isEqualTo(2 * x.data().getDouble(0), org.assertj.core.data.Offset.offset(1e-6));
    }
    /** The same layers run by a user's own module: Sequential's early release does not apply to it. */
    private static Module byHand(Sequential layers) {
        return new Module() {
            final Sequential inner = layers;

            @Override
            public Tensor forward(Tensor x) {
                for (int i = 0; i < 10; i++) {
                    x = inner.get(i).forward(x);
                }
                return x;
            }
        };
    }

    @Test
    void sequentialGivesIntermediatesBackAtOnceWithTheSameResults() {
        Sequential seq = lenetLike(5);
        Module hand = byHand(lenetLike(5));
        SGD a = new SGD(seq.parameters(), 0.05, 0.9);
        SGD b = new SGD(hand.parameters(), 0.05, 0.9);
        Tensor x = Tensor.randn(9, DType.FLOAT32, 16, 1, 28, 28);
        for (int s = 0; s < 5; s++) {
            Tensor la = F.crossEntropy(seq.forward(x), labels(16, s));
            a.zeroGrad();
            la.backward();
            a.step();
            Tensor lb = F.crossEntropy(hand.forward(x), labels(16, s));
            b.zeroGrad();
            lb.backward();
            b.step();
            assertThat(la.item()).as("loss at step " + s).isEqualTo(lb.item());
            Memory.collect();
        }
        for (int i = 0; i < seq.parameters().size(); i++) {
            assertThat(seq.parameters().get(i).toDoubleArray()).containsExactly(hand.parameters().get(i).toDoubleArray());
        }
        // what the graph saved goes back after backward: a step leaves less lent than conv1's output alone
        long beforeSteps = Memory.stats().lentBytes();
        for (int s = 0; s < 3; s++) {
            Tensor l = F.crossEntropy(seq.forward(x), labels(16, s));
            a.zeroGrad();
            l.backward();
            a.step();
        }
        long perStep = (Memory.stats().lentBytes() - beforeSteps) / 3;
        assertThat(perStep).as("bytes left lent per training step").isLessThan(16L * 6 * 28 * 28 * 4);
        // under no-grad nothing is saved: each forward leaves only its output lent
        try (GradMode.Scope g = GradMode.disabled()) {
            seq.forward(x);
            long before = Memory.stats().lentBytes();
            Tensor out = null;
            for (int i = 0; i < 10; i++) {
                out = seq.forward(x);
            }
            long perForward = (Memory.stats().lentBytes() - before) / 10;
            assertThat(perForward).as("bytes left lent per no-grad forward (conv1's output alone is " + 16 * 6 * 28 * 28 * 4 + ")")
                    .isLessThan(16L * 6 * 28 * 28 * 4);
            // the pooled maps Flatten made a view of go back too, once Linear's output no longer shares them
            assertThat(perForward).as("bytes left lent per no-grad forward (the flattened maps alone are " + 16 * 400 * 4 + ")")
                    .isLessThan(16L * 400 * 4);
            assertThat(out.shape()).containsExactly(16, 10);
        }
    }

    @Test
    void backwardTwiceThroughTheSameGraphIsAClearError() {
        Sequential model = lenetLike(0);
        Tensor loss = F.crossEntropy(model.forward(Tensor.randn(3, DType.FLOAT32, 4, 1, 28, 28)), labels(4, 1));
        loss.backward();
        assertThatThrownBy(loss::backward).isInstanceOf(IllegalStateException.class).hasMessageContaining("second time");
    }

    @Test
    void aTensorHandedToAnotherThreadKeepsItsValues() throws Exception {
        Sequential model = lenetLike(0);
        SGD opt = new SGD(model.parameters(), 0.01, 0.9);
        Tensor x = Tensor.randn(5, DType.FLOAT32, 64, 1, 28, 28);
        Tensor logits = model.forward(x);
        double[] expected = logits.toDoubleArray();
        // thread B takes views of A's logits; A trains on (and its memory is reused) meanwhile
        CompletableFuture<Tensor[]> views = CompletableFuture.supplyAsync(() -> new Tensor[] {logits.detach(), logits.reshape(-1)});
        Tensor[] fromB = views.get(60, TimeUnit.SECONDS);
        for (int s = 0; s < 6; s++) {
            step(model, opt, x, s);
            Memory.collect();
        }
        double[][] seenByB = CompletableFuture.supplyAsync(() -> new double[][] {fromB[0].toDoubleArray(), fromB[1].toDoubleArray()})
                .get(60, TimeUnit.SECONDS);
        assertThat(seenByB[0]).containsExactly(expected);
        assertThat(seenByB[1]).containsExactly(expected);
    }

    @Test
    void gradientsShownToHooksAndReturnedByAutogradGradStayValid() {
        Tensor w = Tensor.randn(6, DType.FLOAT32, 8, 8).requiresGrad(true);
        Tensor x = Tensor.randn(7, DType.FLOAT32, 4, 8);
        List<Tensor> seen = new ArrayList<>();
        Tensor h = x.matmul(w);
        h.registerHook(g -> {
            seen.add(g);
            return null;
        });
        Tensor loss = F.relu(h).mul(h).sum();
        Tensor[] grads = Autograd.grad(loss, w);
        double[] hookThen = seen.get(0).toDoubleArray();
        double[] gradThen = grads[0].toDoubleArray();
        for (int i = 0; i < 20; i++) { // later backward passes recycle their own gradients at once
            Tensor wi = Tensor.randn(20 + i, DType.FLOAT32, 8, 8).requiresGrad(true);
            F.relu(x.matmul(wi)).mul(x.matmul(wi)).sum().backward();
        }
        assertThat(seen.get(0).toDoubleArray()).containsExactly(hookThen);
        assertThat(grads[0].toDoubleArray()).containsExactly(gradThen);
    }

    @Test
    void threeOptimizersAndLossesReadAtTheEndOfTheIteration() {
        Sequential a = lenetLike(1);
        Sequential b = lenetLike(2);
        Sequential c = lenetLike(3);
        SGD sa = new SGD(a.parameters(), 0.01);
        Adam sb = new Adam(b.parameters(), 1e-3);
        SGD sc = new SGD(c.parameters(), 0.01, 0.9);
        Tensor x = Tensor.randn(8, DType.FLOAT32, 4, 1, 28, 28);
        for (int it = 0; it < 5; it++) {
            Tensor la = F.crossEntropy(a.forward(x), labels(4, it));
            double va = la.item();
            sa.zeroGrad();
            la.backward();
            sa.step();
            Tensor lb = F.crossEntropy(b.forward(x), labels(4, it));
            double vb = lb.item();
            sb.zeroGrad();
            lb.backward();
            sb.step();
            Tensor lc = F.crossEntropy(c.forward(x), labels(4, it));
            double vc = lc.item();
            sc.zeroGrad();
            lc.backward();
            sc.step();
            Memory.collect();
            assertThat(new double[] {la.item(), lb.item(), lc.item()}).containsExactly(va, vb, vc);
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

    /** Six SGD steps, with collections between them; returns every parameter value afterwards. */
    private static double[] train(Sequential model, Tensor x, int salt) {
        SGD opt = new SGD(model.parameters(), 0.05, 0.9);
        for (int s = 0; s < 6; s++) {
            step(model, opt, x, salt + s);
            Memory.collect();
        }
        List<Double> all = new ArrayList<>();
        for (Tensor p : model.parameters()) {
            for (double v : p.toDoubleArray()) {
                all.add(v);
            }
        }
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
