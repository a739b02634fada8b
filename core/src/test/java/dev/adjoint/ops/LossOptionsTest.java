package dev.adjoint.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Autograd;
import org.junit.jupiter.api.Test;

/** Loss reductions and cross-entropy's options against PyTorch 1.13 (float64; values from F.cross_entropy, F.mse_loss, F.l1_loss). */
class LossOptionsTest {
    private static final int[] T = {0, 2, 1, 2};
    private static final int NONE = -100; // PyTorch's default ignore_index

    private static Tensor x() {
        return Tensor.of(DType.FLOAT64, new double[] {3.08, -0.59, -4.36, 1.14, -2.17, -2.8, 0.81, 1.68, -1.44, -0.81, -1.19, 0.36}, 4, 3)
                .requiresGrad(true);
    }

    private static Tensor w() {
        return Tensor.of(DType.FLOAT64, new double[] {1, 2, 0.5}, 3);
    }

    private static void check(String what, Tensor weight, int ignore, double smoothing, Reduction r, double[] y, double[] g) {
        Tensor x = x();
        Tensor loss = F.crossEntropy(x, T, weight, ignore, smoothing, r);
        double[] got = loss.toDoubleArray();
        assertThat(got).as(what + " y").hasSize(y.length);
        for (int i = 0; i < y.length; i++) {
            assertThat(got[i]).as(what + " y[" + i + "]").isCloseTo(y[i], within(1e-11));
        }
        double[] grad = Autograd.grad(new Tensor[] {loss.sum()}, new Tensor[] {x}, null, false, false)[0].toDoubleArray();
        for (int i = 0; i < g.length; i++) {
            assertThat(grad[i]).as(what + " grad[" + i + "]").isCloseTo(g[i], within(1e-11));
        }
    }

    @Test
    void crossEntropyWithWeightIgnoreIndexSmoothingAndEveryReduction() {
        check("plain", null, NONE, 0, Reduction.MEAN, new double[] {1.205294243106}, new double[] {-0.006350422918, 0.006207331128, 0.00014309179,
            0.236750408179, 0.008645219041, -0.245395627221, 0.07158585418, -0.0791309477, 0.00754509352, 0.050959526632, 0.034849253696,
            -0.085808780328});
        check("weight", w(), NONE, 0, Reduction.MEAN, new double[] {0.748574643621}, new double[] {-0.006350422918, 0.006207331128, 0.00014309179,
            0.11837520409, 0.004322609521, -0.12269781361, 0.143171708359, -0.1582618954, 0.01509018704, 0.025479763316, 0.017424626848,
            -0.042904390164});
        check("ignore_index 2", null, 2, 0, Reduction.MEAN, new double[] {0.203146657536}, new double[] {-0.012700845836, 0.012414662256,
            0.00028618358, 0, 0, 0, 0.143171708359, -0.1582618954, 0.01509018704, 0, 0, 0});
        check("weight, ignore_index 1, smoothing 0.1", w(), 1, 0.1, Reduction.MEAN, new double[] {1.432796394119}, new double[] {0.028754140067,
            -0.02071176004, -0.008042380027, 0.251650462603, -0.02353541842, -0.228115044183, 0, 0, 0, 0.041087463517, 0.006162487522,
            -0.047249951038});
        check("smoothing 0.2, sum", null, NONE, 0.2, Reduction.SUM, new double[] {5.704510305756}, new double[] {0.107931641661, -0.041837342154,
            -0.066094299507, 0.880334966051, -0.032085790501, -0.848249175549, 0.219676750052, -0.183190457466, -0.036486292586, 0.137171439863,
            0.072730348116, -0.209901787978});
        check("weight, none", w(), NONE, 0, Reduction.NONE, new double[] {0.025729884335, 1.997227230852, 0.761126861476, 0.210214597823},
                new double[] {-0.025401691672, 0.024829324512, 0.00057236716, 0.473500816359, 0.017290438083, -0.490791254441, 0.572686833437,
                    -0.633047581598, 0.060360748161, 0.101919053265, 0.069698507391, -0.171617560656});
        check("smoothing 0.1, none", null, NONE, 0.1, Reduction.NONE, new double[] {0.396063217668, 3.84212112837, 0.513563430738, 0.511095862313},
                new double[] {0.041264974994, -0.008504008821, -0.032760966173, 0.913668299384, 0.001247542832, -0.914915842216, 0.253010083385,
                    -0.249857124132, -0.003152959253, 0.170504773196, 0.106063681449, -0.276568454645});
    }

    @Test
    void perPixelCrossEntropyOnNCHW() {
        Tensor x = Tensor.of(DType.FLOAT64, new double[] {0.23, -0.62, 0.88, -1.07, 0.15, -0.63, -1.26, -0.73, -1.27, -1.12, 1.17, 0.93, 0.8, 0.21,
            0.14, -0.03, -0.31, 0.24, -1.35, 0.24, -0.01, -0.2, -1.66, 0.91}, 2, 3, 2, 2).requiresGrad(true);
        int[] t = {0, 1, 2, 0, 1, 1, 0, 2}; // torch: [[[0, 1], [2, 0]], [[1, 1], [0, 2]]]
        Tensor loss = F.crossEntropy(x, t, null, NONE, 0, Reduction.MEAN);
        assertThat(loss.item()).isCloseTo(1.029355824891, within(1e-11));
        double[] g = Autograd.grad(new Tensor[] {loss}, new Tensor[] {x}, null, false, false)[0].toDoubleArray();
        double[] want = {-0.066758786971, 0.048140236867, 0.05093553644, -0.112237088737, 0.053763415781, -0.077338766493};
        for (int i = 0; i < want.length; i++) {
            assertThat(g[i]).isCloseTo(want[i], within(1e-11));
        }
        assertThat(F.crossEntropy(x, t, null, NONE, 0, Reduction.NONE).shape()).containsExactly(2, 2, 2);
    }

    @Test
    void elementwiseLossesReduceAsAsked() {
        Tensor a = Tensor.of(DType.FLOAT64, new double[] {1, 2, 3}, 3);
        Tensor b = Tensor.of(DType.FLOAT64, new double[] {1.5, 0, 3}, 3);
        // torch: mse_loss(a, b, reduction="sum") 4.25, "none" [0.25, 4, 0]; l1_loss(..., "sum") 2.5
        assertThat(F.mseLoss(a, b, Reduction.SUM).item()).isEqualTo(4.25);
        assertThat(F.mseLoss(a, b, Reduction.NONE).toDoubleArray()).containsExactly(0.25, 4, 0);
        assertThat(F.l1Loss(a, b, Reduction.SUM).item()).isEqualTo(2.5);
        assertThat(F.l1Loss(a, b, Reduction.MEAN).item()).isCloseTo(2.5 / 3, within(1e-15));
    }

    @Test
    void binaryCrossEntropyLossesReduceAsAsked() {
        Tensor p = Tensor.of(DType.FLOAT64, new double[] {0.2, 0.9, 0.5}, 3);
        Tensor t = Tensor.of(DType.FLOAT64, new double[] {0, 1, 1}, 3);
        Tensor x = Tensor.of(DType.FLOAT64, new double[] {-1, 2, 0}, 3);
        // torch: binary_cross_entropy(p, t, reduction="sum") and "none"; binary_cross_entropy_with_logits(x, t, ...) likewise
        assertThat(F.binaryCrossEntropy(p, t, Reduction.SUM).item()).isCloseTo(1.0216512475319812, within(1e-14));
        assertThat(F.binaryCrossEntropy(p, t, Reduction.NONE).toDoubleArray()).containsExactly(new double[] {0.2231435513142097,
            0.10536051565782628, 0.6931471805599453}, within(1e-14));
        assertThat(F.binaryCrossEntropyWithLogits(x, t, Reduction.SUM).item()).isCloseTo(1.1333368791211407, within(1e-14));
        assertThat(F.binaryCrossEntropyWithLogits(x, t, Reduction.NONE).toDoubleArray()).containsExactly(new double[] {0.31326168751822286,
            0.1269280110429726, 0.6931471805599453}, within(1e-14));
        assertThat(F.binaryCrossEntropyWithLogits(x, t, Reduction.MEAN).item()).isCloseTo(1.1333368791211407 / 3, within(1e-14));
    }
}
