package dev.adjoint.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Autograd;
import dev.adjoint.autograd.GradCheck;
import org.junit.jupiter.api.Test;

/** F.interpolate against PyTorch 1.13 (x = arange(1, 7).reshape(1, 1, 2, 3) in float64, grad_output = arange(1, 16) / 10). */
class InterpolateTest {
    private static Tensor x() {
        return Tensor.of(DType.FLOAT64, new double[] {1, 2, 3, 4, 5, 6}, 1, 1, 2, 3).requiresGrad(true);
    }

    private static void check(String mode, boolean align, double[] y, double[] gx) {
        Tensor x = x();
        Tensor out = F.interpolate(x, 3, 5, mode, align);
        double[] got = out.toDoubleArray();
        for (int i = 0; i < y.length; i++) {
            assertThat(got[i]).as(mode + " " + align + " y[" + i + "]").isCloseTo(y[i], within(1e-12));
        }
        Tensor go = Tensor.arange(DType.FLOAT64, 1, 16, 1).reshape(1, 1, 3, 5).div(10);
        double[] g = Autograd.grad(new Tensor[] {out.mul(go).sum()}, new Tensor[] {x}, null, false, false)[0].toDoubleArray();
        for (int i = 0; i < gx.length; i++) {
            assertThat(g[i]).as(mode + " " + align + " grad[" + i + "]").isCloseTo(gx[i], within(1e-12));
        }
    }

    @Test
    void bilinearAndNearestAsPyTorch() {
        // torch: F.interpolate(x, size=(3, 5), mode=..., align_corners=...) and the gradient of sum(y * go)
        check("bilinear", false, new double[] {1.0, 1.4, 2.0, 2.6, 3.0, 2.5, 2.9, 3.5, 4.1, 4.5, 4.0, 4.4, 5.0, 5.6, 6.0},
                new double[] {0.73, 1.26, 1.51, 2.33, 3.06, 3.11});
        check("bilinear", true, new double[] {1.0, 1.5, 2.0, 2.5, 3.0, 2.5, 3.0, 3.5, 4.0, 4.5, 4.0, 4.5, 5.0, 5.5, 6.0},
                new double[] {0.675, 1.4, 1.425, 2.175, 3.4, 2.925});
        check("nearest", false, new double[] {1, 1, 2, 2, 3, 1, 1, 2, 2, 3, 4, 4, 5, 5, 6}, new double[] {1.6, 2.4, 1.5, 2.3, 2.7, 1.5});
    }

    @Test
    void byAFactorOfTwo() {
        // torch: F.interpolate(x, scale_factor=2, mode="nearest") and mode="bilinear", align_corners=False
        assertThat(F.interpolate(x(), 2, "nearest", false).toDoubleArray()).containsExactly(1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 4, 4,
                5, 5, 6, 6);
        assertThat(F.interpolate(x(), 2, "bilinear", false).toDoubleArray()).containsExactly(1.0, 1.25, 1.75, 2.25, 2.75, 3.0, 1.75, 2.0, 2.5, 3.0,
                3.5, 3.75, 3.25, 3.5, 4.0, 4.5, 5.0, 5.25, 4.0, 4.25, 4.75, 5.25, 5.75, 6.0);
        GradCheck.assertGradients(t -> F.interpolate(t[0], 2, "bilinear", true), GradCheck.input(3, 2, 2, 3, 2));
        assertThatThrownBy(() -> F.interpolate(x(), 2, "bicubic", false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mode");
    }
}
