package dev.adjoint.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.GradCheck;
import dev.adjoint.ops.F;
import dev.adjoint.optim.ClipGrad;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layers a PyTorch port reaches for, against PyTorch 1.13 in float64 (values written by
 * examples/pytorch/make_layers_reference.py: forward and the gradients of input and parameters),
 * against finite differences, and the PyTorch-shaped calls of a port compiling and running.
 */
class NewLayersTest {
    private static final double TOLERANCE = 1e-10;

    private static Tensor tensor(JsonNode t) {
        double[] v = new double[t.get("data").size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.get("data").get(i).asDouble();
        }
        long[] shape = new long[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.get("shape").get(i).asLong();
        }
        return Tensor.of(DType.FLOAT64, v, shape);
    }

    private static long[] longs(JsonNode a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asLong();
        }
        return out;
    }

    private static Module layer(JsonNode a) {
        switch (a.get("layer").asText()) {
            case "GroupNorm": return new GroupNorm(a.get("groups").asInt(), a.get("channels").asInt());
            case "LayerNorm": return new LayerNorm(longs(a.get("shape")));
            case "BatchNorm1d": return new BatchNorm1d(a.get("features").asInt());
            case "GELU": return new GELU();
            case "SiLU": return new SiLU();
            case "AdaptiveAvgPool2d": return new AdaptiveAvgPool2d(a.get("out").get(0).asInt(), a.get("out").get(1).asInt());
            case "LogSoftmax": return new LogSoftmax(a.get("dim").asInt());
            case "Softmax": return new Softmax(a.get("dim").asInt());
            case "Unflatten": return new Unflatten(a.get("dim").asInt(), longs(a.get("sizes")));
            case "Identity": return new Identity();
            default: throw new IllegalArgumentException(a.toString());
        }
    }

    @Test
    void everyNewLayerMatchesPyTorchInFloat64() throws Exception {
        JsonNode ref;
        try (InputStream in = NewLayersTest.class.getResourceAsStream("/layers_reference.json")) {
            ref = new ObjectMapper().readTree(in);
        }
        int checked = 0;
        for (JsonNode c : ref.get("cases")) {
            String name = c.get("name").asText();
            Module m = layer(c.get("args")).to(DType.FLOAT64);
            c.get("params").fields().forEachRemaining(e -> m.namedParameters().get(e.getKey()).data().assign(tensor(e.getValue()).data()));
            Tensor x = tensor(c.get("x")).requiresGrad(true);
            Tensor y = m.forward(x);
            assertClose(name + " y", y, tensor(c.get("y")));
            y.mul(tensor(c.get("r"))).sum().backward();
            assertClose(name + " grad x", x.grad(), tensor(c.get("grad_x")));
            c.get("grad_params").fields().forEachRemaining(e -> assertClose(name + " grad " + e.getKey(),
                    m.namedParameters().get(e.getKey()).grad(), tensor(e.getValue())));
            checked++;
        }
        assertThat(checked).isEqualTo(13);
        JsonNode bce = ref.get("bce");
        Tensor p = tensor(bce.get("x")).requiresGrad(true);
        Tensor loss = new Losses.BCELoss().forward(p, tensor(bce.get("target")));
        assertThat(loss.item()).isCloseTo(bce.get("y").asDouble(), org.assertj.core.data.Offset.offset(1e-12));
        loss.backward();
        assertClose("BCELoss grad", p.grad(), tensor(bce.get("grad_x")));
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Module[] layers = {new GroupNorm(2, 4), new LayerNorm(3), new BatchNorm1d(4), new GELU(), new SiLU(), new AdaptiveAvgPool2d(2, 3),
            new Unflatten(1, 2, 2), new Identity(), new LogSoftmax(0), new Softmax(1)};
        long[][] shapes = {{2, 4, 3, 2}, {2, 5, 3}, {5, 4}, {3, 4}, {3, 4}, {2, 2, 5, 4}, {3, 4}, {2, 3}, {4, 3}, {3, 4}};
        for (int i = 0; i < layers.length; i++) {
            Module m = layers[i].to(DType.FLOAT64);
            GradCheck.assertGradients(xs -> m.forward(xs[0]), GradCheck.input(i, shapes[i]));
        }
        GradCheck.assertGradients(xs -> F.binaryCrossEntropy(xs[0].sigmoid(), xs[1]), GradCheck.input(1, 3, 2),
                Tensor.of(DType.FLOAT64, new double[] {1, 0, 0, 1, 1, 0}, 3, 2));
    }

    @Test
    void bceOnProbabilitiesStaysFiniteAtZeroAndOne() {
        Tensor p = Tensor.of(new double[] {0, 1, 1}, 3); // float32: a sigmoid that reached 1.0
        Tensor t = Tensor.of(new double[] {1, 0, 1}, 3);
        assertThat(new Losses.BCELoss().forward(p, t).item()).as("each log clamped at -100, as PyTorch").isCloseTo(200.0 / 3,
                org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void aPyTorchPortCompilesAndRuns() {
        Init.manualSeed(3);
        Sequential generator = new Sequential(new Linear(64, 128 * 7 * 7), new Unflatten(1, 128, 7, 7), new BatchNorm2d(128), new ReLU(),
                new ConvTranspose2d(128, 64, 4, 2, 1), new BatchNorm2d(64), new ReLU(), new ConvTranspose2d(64, 1, 4, 2, 1), new Tanh())
                .to(DType.FLOAT64);
        Sequential discriminator = new Sequential(new Conv2d(1, 64, 4, 2, 1), new LeakyReLU(0.2), new Conv2d(64, 128, 4, 2, 1),
                new BatchNorm2d(128), new LeakyReLU(0.2), new Flatten(), new Linear(128 * 7 * 7, 1)).to(DType.FLOAT64);
        Tensor images = generator.forward(Tensor.randn(1, DType.FLOAT64, 2, 64));
        assertThat(images.shape()).containsExactly(2, 1, 28, 28);
        assertThat(images.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(discriminator.forward(images).shape()).containsExactly(2, 1);

        ConvTranspose2d t = new ConvTranspose2d(8, 4, 3, 2, 1, 1, 2, false, 1);
        assertThat(t.weight.shape()).containsExactly(8, 2, 3, 3);
        assertThat(t.namedParameters()).doesNotContainKey("bias");
        Conv2d c = new Conv2d(8, 8, 3, 1, 2, 2, 2, true);
        assertThat(c.weight.shape()).containsExactly(8, 4, 3, 3);
        assertThat(new Conv2d(1, 32, 3, 1).forward(Tensor.zeros(1, 1, 28, 28)).shape()).containsExactly(1, 32, 26, 26); // MNIST example line

        Sequential head = new Sequential(new GroupNorm(2, 8), new SiLU(), new Dropout2d(0.25), new AdaptiveAvgPool2d(1), new Flatten(),
                new LayerNorm(8), new GELU(), new Identity(), new Linear(8, 3), new LogSoftmax(1));
        Tensor out = head.forward(Tensor.randn(2, DType.FLOAT32, 4, 8, 5, 5));
        Tensor labels = Tensor.of(new double[] {0, 2, 1, 2}, 4);
        Tensor loss = F.nllLoss(out, labels);
        loss.backward();
        assertThat(F.crossEntropy(Tensor.randn(3, DType.FLOAT32, 4, 3), labels).item()).isPositive();
        assertThatThrownBy(() -> F.crossEntropy(out, Tensor.of(new double[] {0, 1.5, 1, 2}, 4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a whole number");
        double norm = ClipGrad.clipGradNorm(head.parameters(), 0.1);
        assertThat(norm).isPositive();

        Init.manualSeed(9);
        Dropout2d d1 = new Dropout2d(0.5);
        Dropout2d d2 = new Dropout2d(0.5);
        Tensor ones = Tensor.ones(2, 16, 1, 1);
        double[] m1 = d1.forward(ones).toDoubleArray();
        Init.manualSeed(9);
        assertThat(new Dropout2d(0.5).forward(ones).toDoubleArray()).containsExactly(m1);
        assertThat(d2.forward(ones).toDoubleArray()).isNotEqualTo(m1);
    }

    private static void assertClose(String what, Tensor actual, Tensor expected) {
        assertThat(actual).as(what).isNotNull();
        assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
        double[] a = actual.toDoubleArray();
        double[] b = expected.toDoubleArray();
        double scale = 0;
        for (double v : b) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < b.length; i++) {
            assertThat(Math.abs(a[i] - b[i])).as(what + "[" + i + "]: " + a[i] + " vs " + b[i]).isLessThanOrEqualTo(1e-12 + TOLERANCE * scale);
        }
    }
}
