package dev.adjoint.autograd;

import static dev.adjoint.TensorAssertions.assertValues;
import static dev.adjoint.TensorAssertions.f64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineTest {
    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Tensor x = f64(new double[] {1, 2}, 2).requiresGrad(true);
        x.mul(3).sum().backward();
        assertValues(x.grad(), new long[] {2}, new double[] {3, 3}, 0);
        x.pow(2).sum().backward();
        assertValues(x.grad(), new long[] {2}, new double[] {5, 7}, 0);
        x.zeroGrad();
        assertThat(x.grad()).isNull();
        x.sum().backward();
        assertValues(x.grad(), new long[] {2}, new double[] {1, 1}, 0);
    }

    /**
     * A function reached by two paths gets two gradients, added into the first in place when nothing
     * else holds it. Here x1's first gradient is also x2's (Add hands both inputs the same gy), so it
     * must not be added into: b's gradient stays 1 where b > 0. Values by hand: d/da = 3 + 1, d/db = 1.
     */
    @Test
    void aSecondGradientIsAddedInPlaceOnlyIntoAGradientNothingElseHolds() {
        double[] av = {1.5, -2, 0.5, 3, -1, 2};
        double[] bv = {-0.5, 2, 1, -3, 4, 0.25};
        Tensor a = f64(av, 2, 3).requiresGrad(true);
        Tensor b = f64(bv, 2, 3).requiresGrad(true);
        Tensor x1 = dev.adjoint.ops.F.relu(a);
        Tensor x2 = dev.adjoint.ops.F.relu(b);
        Tensor m3 = x1.mul(3); // made before s, so s's backward runs first and hands x1 and x2 the same gradient
        Tensor s = x1.add(x2);
        m3.add(s).sum().backward();
        double[] ga = new double[6];
        double[] gb = new double[6];
        for (int i = 0; i < 6; i++) {
            ga[i] = av[i] > 0 ? 4 : 0;
            gb[i] = bv[i] > 0 ? 1 : 0;
        }
        assertValues(a.grad(), new long[] {2, 3}, ga, 0);
        assertValues(b.grad(), new long[] {2, 3}, gb, 0);
        // and the usual residual shape: x1's first gradient is its own (3 * gy), the second is added into it
        Tensor c = f64(av, 2, 3).requiresGrad(true);
        Tensor y1 = dev.adjoint.ops.F.relu(c);
        y1.add(y1.mul(3)).mul(2).sum().backward();
        double[] gc = new double[6];
        for (int i = 0; i < 6; i++) {
            gc[i] = av[i] > 0 ? 8 : 0;
        }
        assertValues(c.grad(), new long[] {2, 3}, gc, 0);
    }

    @Test
    void leavesThatShareAGradientDoNotShareStorage() {
        Tensor a = f64(new double[] {1}, 1).requiresGrad(true);
        Tensor b = f64(new double[] {1}, 1).requiresGrad(true);
        a.add(b).sum().backward();
        a.grad().data().addi(10);
        assertThat(b.grad().item()).isEqualTo(1);
    }

    @Test
    void diamondGraphSumsBothPaths() {
        Tensor x = f64(new double[] {2}, 1).requiresGrad(true);
        Tensor h = x.mul(x);           // x^2
        Tensor y = h.mul(3).add(h.exp()); // 3x^2 + e^(x^2)
        y.sum().backward();
        assertThat(x.grad().item()).isCloseTo(6 * 2 + Math.exp(4) * 2 * 2, within(1e-9));
    }

    @Test
    void retainGraphAllowsASecondPassOtherwiseItThrows() {
        Tensor x = f64(new double[] {3}, 1).requiresGrad(true);
        Tensor y = x.mul(x).sum();
        y.backward(null, true, false);
        y.backward(null, true, false);
        assertThat(x.grad().item()).isEqualTo(12);
        y.backward();
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("second time").hasMessageContaining("retainGraph");
    }

    @Test
    void createGraphGivesSecondDerivatives() {
        Tensor x = f64(new double[] {1.5, -2}, 2).requiresGrad(true);
        Tensor y = x.pow(3).sum();
        Tensor dy = Autograd.grad(new Tensor[] {y}, new Tensor[] {x}, null, true, true)[0];
        assertValues(dy, new long[] {2}, new double[] {3 * 2.25, 3 * 4}, 1e-12);
        Tensor d2 = Autograd.grad(new Tensor[] {dy.sum()}, new Tensor[] {x}, null, true, true)[0];
        assertValues(d2, new long[] {2}, new double[] {6 * 1.5, 6 * -2}, 1e-12);
        Tensor d3 = Autograd.grad(d2.sum(), x)[0];
        assertValues(d3, new long[] {2}, new double[] {6, 6}, 1e-12);
    }

    @Test
    void gradOfNonLeafInputs() {
        Tensor x = f64(new double[] {1, 2}, 2).requiresGrad(true);
        Tensor h = x.mul(2);
        Tensor y = h.pow(2).sum();
        Tensor gh = Autograd.grad(y, h)[0];
        assertValues(gh, new long[] {2}, new double[] {4, 8}, 0);
        assertThat(x.grad()).as("autograd.grad does not touch .grad").isNull();
    }

    @Test
    void hooksSeeAndReplaceGradients() {
        Tensor x = f64(new double[] {1, 2}, 2).requiresGrad(true);
        List<Tensor> seen = new ArrayList<>();
        x.registerHook(g -> {
            seen.add(g);
            return g.mul(10);
        });
        Tensor h = x.mul(3);
        h.registerHook(g -> g.add(1));
        h.sum().backward();
        assertValues(seen.get(0), new long[] {2}, new double[] {6, 6}, 0);
        assertValues(x.grad(), new long[] {2}, new double[] {60, 60}, 0);
    }

    @Test
    void noGradScopeRecordsNothingAndRestores() {
        Tensor x = f64(new double[] {1}, 1).requiresGrad(true);
        Tensor y;
        try (GradMode.Scope g = GradMode.disabled()) {
            y = x.mul(2);
            assertThat(GradMode.isEnabled()).isFalse();
        }
        assertThat(GradMode.isEnabled()).isTrue();
        assertThat(y.requiresGrad()).isFalse();
        assertThat(y.creator()).isNull();
        assertThat(x.mul(2).detach().requiresGrad()).isFalse();
    }

    @Test
    void aHundredThousandOpChainDoesNotOverflowTheStack() {
        Tensor x = f64(new double[] {1}, 1).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) {
            y = y.add(1e-5);
        }
        y.sum().backward();
        assertThat(x.grad().item()).isEqualTo(1);
    }

    @Test
    void anomalyModeNamesTheFunctionAndWhereItWasCalled() {
        Tensor x = f64(new double[] {0, 1}, 2).requiresGrad(true);
        try (GradMode.Scope a = AnomalyMode.enabled()) {
            Tensor y = x.sqrt().sum(); // d sqrt(x)/dx at 0 is infinite
            assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Sqrt#").hasMessageContaining("EngineTest");
        }
    }

    @Test
    void traceListsEveryFunctionOnceInReverseOrder() {
        Tensor x = f64(new double[] {1, 2}, 2).requiresGrad(true);
        Tensor y = x.mul(x).exp().sum();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Autograd.Trace t = Autograd.trace(new PrintStream(out, true))) {
            y.backward();
        }
        String[] lines = out.toString().trim().split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("Sum#");
        assertThat(lines[1]).startsWith("Exp#");
        assertThat(lines[2]).startsWith("Mul#").contains("ga[2]").contains("gb[2]");
    }

    @Test
    void misuseGivesClearExceptions() {
        Tensor x = f64(new double[] {1, 2}, 2).requiresGrad(true);
        assertThatThrownBy(() -> x.mul(2).backward()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scalar").hasMessageContaining("[2]").hasMessageContaining("Mul#");
        assertThatThrownBy(() -> Tensor.ones(2).sum().backward()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not require grad");
        assertThatThrownBy(() -> x.mul(2).backward(Tensor.ones(DType.FLOAT64, 3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[3]").hasMessageContaining("[2]");
        assertThatThrownBy(() -> x.add(f64(new double[] {1, 2, 3}, 3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("add").hasMessageContaining("[2]").hasMessageContaining("[3]");
        assertThatThrownBy(() -> f64(new double[6], 2, 3).matmul(f64(new double[6], 2, 3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmul").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> x.add(Tensor.ones(2))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dtype");
        assertThatThrownBy(() -> x.reshape(3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reshape");
        assertThatThrownBy(() -> x.mul(2).requiresGrad(false)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> dev.adjoint.ops.F.crossEntropy(f64(new double[6], 2, 3), new int[] {0, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target[1] = 3");
    }

    @Test
    void gradCheckCatchesAWrongGradient() {
        Tensor x = GradCheck.input(3, 4);
        GradCheck.Result r = GradCheck.check(t -> new WrongSquare().apply(t[0]), x);
        assertThat(r.passed()).isFalse();
    }

    /** x^2 with a deliberately wrong backward (gy * x instead of 2 gy x), to show GradCheck can fail. */
    static final class WrongSquare extends Function {
        @Override
        protected org.nd4j.linalg.api.ndarray.INDArray forward(Tensor... in) {
            save(in[0]);
            return in[0].data().mul(in[0].data());
        }

        @Override
        protected Tensor[] backward(Tensor gy) {
            return new Tensor[] {gy.mul(saved(0))};
        }
    }
}
