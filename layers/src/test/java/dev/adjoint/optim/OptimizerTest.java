package dev.adjoint.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Optimizer steps against values computed by hand from the update rules. */
class OptimizerTest {
    @Test
    void aMistypedPropertyFailsWhenTheOptimizerIsMadeNotInItsFirstStep() {
        String before = System.getProperty("adjoint.threads");
        System.setProperty("adjoint.threads", "many");
        try {
            Tensor w = Tensor.of(DType.FLOAT64, new double[] {1, 2}, 2).requiresGrad(true);
            assertThatThrownBy(() -> new SGD(List.of(w), 0.1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("adjoint.threads=many");
            assertThat(w.toDoubleArray()).containsExactly(1, 2);
        } finally {
            if (before == null) {
                System.clearProperty("adjoint.threads");
            } else {
                System.setProperty("adjoint.threads", before);
            }
        }
    }

    static Tensor param(double v) {
        return Tensor.of(DType.FLOAT64, new double[] {v}, 1).requiresGrad(true);
    }

    static void setGrad(Tensor p, double g) {
        p.setGrad(Tensor.of(DType.FLOAT64, new double[] {g}, 1));
    }

    @Test
    void sgdWithMomentumDampeningAndWeightDecay() {
        Tensor p = param(1.0);
        SGD sgd = new SGD(List.of(p), 0.1, 0.9, 0.5, false, 0.01);
        setGrad(p, 2.0);
        sgd.step();
        // g = 2 + 0.01*1 = 2.01; buf = 2.01; p = 1 - 0.1*2.01 = 0.799
        assertThat(p.item()).isCloseTo(0.799, within(1e-12));
        setGrad(p, 1.0);
        sgd.step();
        // g = 1 + 0.00799 = 1.00799; buf = 0.9*2.01 + 0.5*1.00799 = 2.312995; p = 0.799 - 0.2312995
        assertThat(p.item()).isCloseTo(0.799 - 0.2312995, within(1e-12));
    }

    @Test
    void sgdInFloat32MatchesPyTorchWithWeightDecayDampeningAndNesterov() {
        double[][] grads = {{1, -2, 0.5}, {0.3, 0.1, -1}, {-0.7, 2, 0.2}, {0, 0.5, 0.5}, {1.5, -0.5, -0.25}};
        // torch.optim.SGD([p], lr, momentum, dampening, weight_decay, nesterov), p = [0.5, -1, 2] float32, these five gradients
        Object[][] cases = {
            {0.1, 0.9, 0.1, 0.01, false, new double[] {0.028808942064642906, -0.7303780317306519, 1.9686931371688843}},
            {0.1, 0.9, 0.0, 0.05, true, new double[] {-0.16055569052696228, -0.7713109254837036, 1.8537986278533936}},
            {0.2, 0.0, 0.0, 0.1, false, new double[] {0.04547121003270149, -0.9359573721885681, 1.817427158355713}},
        };
        for (Object[] c : cases) {
            Tensor p = Tensor.of(DType.FLOAT32, new double[] {0.5, -1, 2}, 3).requiresGrad(true);
            SGD sgd = new SGD(List.of(p), (double) c[0], (double) c[1], (double) c[2], (double) c[3], (boolean) c[4]); // PyTorch's order
            for (double[] g : grads) {
                p.setGrad(Tensor.of(DType.FLOAT32, g, 3));
                sgd.step();
            }
            double[] want = (double[]) c[5];
            double[] got = p.toDoubleArray();
            for (int i = 0; i < 3; i++) {
                assertThat(got[i]).as(sgd + " element " + i).isCloseTo(want[i], within(2e-7));
            }
            assertThat(p.grad().toDoubleArray()).as("the gradient is not written").containsExactly(1.5, -0.5, -0.25);
        }
    }

    @Test
    void parameterGroupsOverrideLrAndWeightDecayAndSchedulersScaleEachGroup() {
        Tensor a = Tensor.of(DType.FLOAT32, new double[] {1, -2}, 2).requiresGrad(true);
        Tensor b = Tensor.of(DType.FLOAT32, new double[] {0.5, 3}, 2).requiresGrad(true);
        // torch: SGD([{"params": [a]}, {"params": [b], "weight_decay": 0.0, "lr": 0.05}], lr=0.1, momentum=0.9, weight_decay=0.1)
        //        with StepLR(opt, 1, 0.5) stepped after each of three steps
        SGD sgd = new SGD(ParamGroups.of(ParamGroup.of(List.of(a)), ParamGroup.of(List.of(b)).weightDecay(0).lr(0.05)), 0.1, 0.9, 0, 0.1, false);
        StepLR sched = new StepLR(sgd, 1, 0.5);
        double[][][] grads = {{{0.3, -0.1}, {1, 2}}, {{0.2, 0.4}, {-1, 0.5}}, {{-0.5, 0.1}, {0.25, -0.75}}};
        for (double[][] g : grads) {
            a.setGrad(Tensor.of(DType.FLOAT32, g[0], 2));
            b.setGrad(Tensor.of(DType.FLOAT32, g[1], 2));
            sgd.step();
            sched.step();
        }
        assertThat(a.toDoubleArray()[0]).isCloseTo(0.9226219654083252, within(1e-6));
        assertThat(a.toDoubleArray()[1]).isCloseTo(-1.9627258777618408, within(1e-6));
        assertThat(b.toDoubleArray()[0]).isCloseTo(0.4504999816417694, within(1e-6));
        assertThat(b.toDoubleArray()[1]).isCloseTo(2.826000213623047, within(1e-6));
        assertThat(sgd.lr(0)).isCloseTo(0.0125, within(1e-15));
        assertThat(sgd.lr(1)).isCloseTo(0.00625, within(1e-15));
        // the groups' rates travel with the state
        Map<String, Tensor> saved = sgd.stateDict();
        SGD other = new SGD(ParamGroups.of(ParamGroup.of(List.of(a)), ParamGroup.of(List.of(b)).lr(0.3)), 0.1, 0.9, 0, 0.1, false);
        other.loadStateDict(saved);
        assertThat(other.lr(1)).isCloseTo(0.00625, within(1e-15));
    }

    @Test
    void adamWGroupsLeaveSomeParametersOutOfWeightDecay() {
        Tensor a = Tensor.of(DType.FLOAT32, new double[] {1, -2}, 2).requiresGrad(true);
        Tensor b = Tensor.of(DType.FLOAT32, new double[] {0.5, 3}, 2).requiresGrad(true);
        // torch: AdamW([{"params": [a]}, {"params": [b], "weight_decay": 0.0}], lr=0.1, weight_decay=0.5), two steps
        AdamW opt = new AdamW(ParamGroups.of(ParamGroup.of(List.of(a)), ParamGroup.of(List.of(b)).weightDecay(0)), 0.1, 0.9, 0.999, 1e-8, 0.5);
        double[][][] grads = {{{0.3, -0.1}, {1, 2}}, {{0.2, 0.4}, {-1, 0.5}}};
        for (double[][] g : grads) {
            a.setGrad(Tensor.of(DType.FLOAT32, g[0], 2));
            b.setGrad(Tensor.of(DType.FLOAT32, g[1], 2));
            opt.step();
        }
        double[] want = {0.7104647755622864, -1.765950322151184, 0.40526315569877625, 2.8169403076171875};
        double[] got = {a.toDoubleArray()[0], a.toDoubleArray()[1], b.toDoubleArray()[0], b.toDoubleArray()[1]};
        for (int i = 0; i < 4; i++) {
            assertThat(got[i]).as("element " + i).isCloseTo(want[i], within(1e-6));
        }
    }

    @Test
    void sgdUpdatesEveryElementOfAMatrixParameter() {
        Tensor p = Tensor.of(DType.FLOAT32, new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        SGD sgd = new SGD(List.of(p), 0.5, 0.9);
        p.setGrad(Tensor.of(DType.FLOAT32, new double[] {1, 0, -1, 2, 0, 4}, 2, 3));
        sgd.step();
        sgd.step(); // same gradient: buf = 0.9 g + g = 1.9 g; total change 0.5 * 2.9 g
        double[] got = p.toDoubleArray();
        double[] g = {1, 0, -1, 2, 0, 4};
        for (int i = 0; i < 6; i++) {
            assertThat(got[i]).isCloseTo(i + 1 - 0.5 * 2.9 * g[i], within(1e-5));
        }
    }

    @Test
    void sgdNesterov() {
        Tensor p = param(0.0);
        SGD sgd = new SGD(List.of(p), 1.0, 0.5, 0, true, 0);
        setGrad(p, 1.0);
        sgd.step(); // buf = 1; g = 1 + 0.5 = 1.5
        assertThat(p.item()).isCloseTo(-1.5, within(1e-12));
        sgd.step(); // buf = 0.5 + 1 = 1.5; g = 1 + 0.75 = 1.75
        assertThat(p.item()).isCloseTo(-3.25, within(1e-12));
    }

    @Test
    void adamFirstTwoSteps() {
        Tensor p = param(1.0);
        Adam adam = new Adam(List.of(p), 0.1);
        setGrad(p, 0.5);
        adam.step();
        // m = 0.05, v = 0.00025; mhat = 0.5, vhat = 0.25; p = 1 - 0.1 * 0.5 / (0.5 + 1e-8)
        assertThat(p.item()).isCloseTo(1 - 0.1 * 0.5 / (0.5 + 1e-8), within(1e-12));
        setGrad(p, -1.0);
        adam.step();
        double m = 0.9 * 0.05 + 0.1 * -1.0;
        double v = 0.999 * 0.00025 + 0.001 * 1.0;
        double mhat = m / (1 - 0.81);
        double vhat = v / (1 - 0.999 * 0.999);
        assertThat(p.item()).isCloseTo(1 - 0.1 * 0.5 / (0.5 + 1e-8) - 0.1 * mhat / (Math.sqrt(vhat) + 1e-8), within(1e-12));
    }

    @Test
    void adamWDecaysTheWeightBeforeTheStep() {
        Tensor p = param(2.0);
        AdamW opt = new AdamW(List.of(p), 0.1, 0.9, 0.999, 1e-8, 0.5);
        setGrad(p, 1.0);
        opt.step();
        assertThat(p.item()).isCloseTo(2.0 * (1 - 0.05) - 0.1 * 1.0 / (1.0 + 1e-8), within(1e-12));
    }

    @Test
    void stateRoundTripContinuesIdentically() {
        Tensor a = param(1.0);
        Tensor b = param(1.0);
        Adam first = new Adam(List.of(a), 0.05);
        Adam second = new Adam(List.of(b), 0.05);
        for (int i = 0; i < 3; i++) {
            setGrad(a, 0.3 * (i + 1));
            first.step();
        }
        Map<String, Tensor> state = first.stateDict();
        b.data().assign(a.data());
        second.loadStateDict(state);
        setGrad(a, -0.7);
        setGrad(b, -0.7);
        first.step();
        second.step();
        assertThat(b.item()).isEqualTo(a.item());
        assertThat(second.steps()).isEqualTo(4);
    }

    @Test
    void schedulers() {
        Tensor p = param(0);
        SGD sgd = new SGD(List.of(p), 1.0);
        StepLR step = new StepLR(sgd, 2, 0.1);
        step.step();
        assertThat(sgd.lr()).isCloseTo(1.0, within(1e-12));
        step.step();
        assertThat(sgd.lr()).isCloseTo(0.1, within(1e-12));
        SGD other = new SGD(List.of(p), 1.0);
        CosineAnnealingLR cos = new CosineAnnealingLR(other, 4, 0.0);
        cos.step();
        assertThat(other.lr()).isCloseTo((1 + Math.cos(Math.PI / 4)) / 2, within(1e-12));
        cos.step();
        cos.step();
        cos.step();
        assertThat(other.lr()).isCloseTo(0, within(1e-12));
    }
}
