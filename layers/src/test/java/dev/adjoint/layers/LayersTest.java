package dev.adjoint.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.ops.F;
import org.junit.jupiter.api.Test;

/** Each layer: PyTorch's weight layout and output shape, the same values as the functional op, gradients reaching its parameters. */
class LayersTest {
    static void assertSame(Tensor a, Tensor b) {
        assertThat(a.shape()).containsExactly(b.shape());
        assertThat(a.toDoubleArray()).containsExactly(b.toDoubleArray());
    }

    static void gradientsReachAllParameters(Module m, Tensor x) {
        m.zeroGrad();
        m.forward(x).sum().backward();
        m.namedParameters().forEach((n, p) -> {
            assertThat(p.grad()).as(n + " has a gradient").isNotNull();
            assertThat(p.grad().shape()).containsExactly(p.shape());
        });
    }

    @Test
    void convolutionLayers() {
        Tensor x1 = Tensor.rand(1, DType.FLOAT32, 2, 4, 9);
        Tensor x2 = Tensor.rand(2, DType.FLOAT32, 2, 4, 7, 6);
        Conv1d c1 = new Conv1d(4, 6, 3, 2, 1, 1, 2, true);
        assertThat(c1.weight.shape()).containsExactly(6, 2, 3);
        assertSame(c1.forward(x1), F.conv1d(x1, c1.weight, c1.bias, new int[] {2}, new int[] {1}, new int[] {1}, 2));
        assertThat(c1.forward(x1).shape()).containsExactly(2, 6, 5);
        gradientsReachAllParameters(c1, x1);

        ConvTranspose1d t1 = new ConvTranspose1d(4, 6, 3, 2, 1, 1, 2, true, 1);
        assertThat(t1.weight.shape()).containsExactly(4, 3, 3);
        assertThat(t1.forward(x1).shape()).containsExactly(2, 6, 18);
        gradientsReachAllParameters(t1, x1);

        Conv2d c2 = new Conv2d(4, 8, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 2}, 1, false);
        assertThat(c2.bias).isNull();
        assertThat(c2.forward(x2).shape()).containsExactly(2, 8, 4, 4);
        assertThat(c2.toString()).isEqualTo("Conv2d(4, 8, kernel=[3, 2], stride=[2, 1], padding=[1, 0], dilation=[1, 2], bias=false)  weight[8, 4, 3, 2]  192");
        gradientsReachAllParameters(c2, x2);

        ConvTranspose2d t2 = new ConvTranspose2d(4, 2, 3, 2, 1, 1);
        assertThat(t2.weight.shape()).containsExactly(4, 2, 3, 3);
        assertThat(t2.forward(x2).shape()).containsExactly(2, 2, 14, 12);
        assertSame(t2.forward(x2), F.convTranspose2d(x2, t2.weight, t2.bias, 2, 1, 1));
        gradientsReachAllParameters(t2, x2);
        assertThatThrownBy(() -> new Conv2d(3, 4, 3, 1, 0).forward(x2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input channels");
    }

    @Test
    void poolingAndShapeLayers() {
        Tensor x = Tensor.rand(3, DType.FLOAT32, 2, 3, 6, 6);
        assertSame(new MaxPool2d(2).forward(x), F.maxPool2d(x, 2));
        assertSame(new AvgPool2d(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, false).forward(x),
                F.avgPool2d(x, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, false));
        assertThat(new AvgPool2d(2).forward(x).shape()).containsExactly(2, 3, 3, 3);
        assertThat(new Flatten().forward(x).shape()).containsExactly(2, 108);
    }

    @Test
    void activations() {
        Tensor x = Tensor.of(new double[] {-2, 0.5}, 2);
        assertThat(new ReLU().forward(x).toDoubleArray()).containsExactly(0, 0.5);
        assertThat(new LeakyReLU().forward(x).toDoubleArray()[0]).isCloseTo(-0.02, within(1e-7));
        assertThat(new LeakyReLU(0.2).forward(x).toDoubleArray()[0]).isCloseTo(-0.4, within(1e-7));
        assertThat(new Sigmoid().forward(x).toDoubleArray()[1]).isCloseTo(1 / (1 + Math.exp(-0.5)), within(1e-7));
        assertThat(new Tanh().forward(x).toDoubleArray()[0]).isCloseTo(Math.tanh(-2), within(1e-7));
    }

    @Test
    void lossObjects() {
        Tensor logits = Tensor.of(DType.FLOAT64, new double[] {1, 2, 0, -1, 3, 1}, 2, 3);
        Tensor labels = Tensor.of(DType.FLOAT64, new double[] {1, 0}, 2);
        double ce = new Losses.CrossEntropyLoss().forward(logits, labels).item();
        assertThat(ce).isEqualTo(F.crossEntropy(logits, new int[] {1, 0}).item());
        assertThat(new Losses.NLLLoss().forward(logits.logSoftmax(1), new int[] {1, 0}).item()).isCloseTo(ce, within(1e-15));
        Tensor t = Tensor.of(DType.FLOAT64, new double[] {0, 1, 1, 0, 1, 0}, 2, 3);
        assertThat(new Losses.MSELoss().forward(logits, t).item()).isCloseTo((1 + 1 + 1 + 1 + 4 + 1) / 6.0, within(1e-15));
        assertThat(new Losses.L1Loss().forward(logits, t).item()).isCloseTo((1 + 1 + 1 + 1 + 2 + 1) / 6.0, within(1e-15));
        double bce = 0;
        double[] z = logits.toDoubleArray();
        double[] y = t.toDoubleArray();
        for (int i = 0; i < 6; i++) {
            double p = 1 / (1 + Math.exp(-z[i]));
            bce -= y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
        }
        assertThat(new Losses.BCEWithLogitsLoss().forward(logits, t).item()).isCloseTo(bce / 6, within(1e-12));
        assertThatThrownBy(() -> Losses.classIndices(Tensor.of(new double[] {0.5}, 1))).hasMessageContaining("whole number");
    }
}
