package dev.adjoint.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adjoint.DType;
import dev.adjoint.Tensor;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One DCGAN training step in float64 against PyTorch 1.13 (values written by
 * examples/pytorch/make_dcgan_reference.py): the generator's images, the three BCE-with-logits
 * losses of the alternating step, every gradient of both networks, and BatchNorm's running
 * statistics. The generator runs transposed convolutions forward (their backward: convolutions);
 * the discriminator runs convolutions (their backward: transposed convolutions).
 */
class DcganReferenceTest {
    private static final double TOLERANCE = 1e-10;

    private static JsonNode ref;

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

    /** The parameters of one network, requiring grad, plus fresh running statistics (zeros and ones). */
    private static Map<String, Tensor> net(String name) {
        Map<String, Tensor> p = new LinkedHashMap<>();
        ref.get(name).fields().forEachRemaining(e -> {
            if (e.getKey().endsWith("running_mean")) {
                p.put(e.getKey(), Tensor.zeros(DType.FLOAT64, e.getValue().get("shape").get(0).asLong()));
            } else if (e.getKey().endsWith("running_var")) {
                p.put(e.getKey(), Tensor.ones(DType.FLOAT64, e.getValue().get("shape").get(0).asLong()));
            } else {
                p.put(e.getKey(), tensor(e.getValue()).requiresGrad(true));
            }
        });
        return p;
    }

    private static Tensor bn(Tensor x, Map<String, Tensor> p, String i) {
        return F.batchNorm2d(x, p.get(i + ".running_mean"), p.get(i + ".running_var"), p.get(i + ".weight"), p.get(i + ".bias"), true, 0.1,
                1e-5);
    }

    private static Tensor generator(Map<String, Tensor> g, Tensor z) {
        int c1 = ref.get("sizes").get("c1").asInt();
        Tensor h = F.linear(z, g.get("0.weight"), g.get("0.bias")).reshape(z.size(0), c1, 7, 7);
        h = F.relu(bn(h, g, "2"));
        h = F.convTranspose2d(h, g.get("4.weight"), g.get("4.bias"), 2, 1, 0);
        h = F.relu(bn(h, g, "5"));
        return F.tanh(F.convTranspose2d(h, g.get("7.weight"), g.get("7.bias"), 2, 1, 0));
    }

    private static Tensor discriminator(Map<String, Tensor> d, Tensor x) {
        Tensor h = F.leakyRelu(F.conv2d(x, d.get("0.weight"), d.get("0.bias"), 2, 1), 0.2);
        h = F.leakyRelu(bn(F.conv2d(h, d.get("2.weight"), d.get("2.bias"), 2, 1), d, "3"), 0.2);
        return F.linear(h.flatten(1), d.get("6.weight"), d.get("6.bias"));
    }

    @Test
    void oneAlternatingStepMatchesPyTorch() throws Exception {
        try (InputStream in = DcganReferenceTest.class.getResourceAsStream("/dcgan/reference.json")) {
            ref = new ObjectMapper().readTree(in);
        }
        Map<String, Tensor> g = net("G");
        Map<String, Tensor> d = net("D");
        Tensor z = tensor(ref.get("z"));
        Tensor real = tensor(ref.get("real"));
        long n = z.size(0);
        Tensor ones = Tensor.ones(DType.FLOAT64, n, 1);
        Tensor zeros = Tensor.zeros(DType.FLOAT64, n, 1);

        Tensor fake = generator(g, z);
        assertClose("fake images", fake, tensor(ref.get("fake")));
        Tensor dReal = F.binaryCrossEntropyWithLogits(discriminator(d, real), ones);
        Tensor dFake = F.binaryCrossEntropyWithLogits(discriminator(d, fake.detach()), zeros);
        assertThat(dReal.item()).isCloseTo(ref.get("d_loss_real").asDouble(), org.assertj.core.data.Offset.offset(TOLERANCE));
        assertThat(dFake.item()).isCloseTo(ref.get("d_loss_fake").asDouble(), org.assertj.core.data.Offset.offset(TOLERANCE));
        dReal.add(dFake).backward();
        ref.get("d_grads").fields().forEachRemaining(e -> assertClose("D " + e.getKey() + ".grad", d.get(e.getKey()).grad(), tensor(e.getValue())));
        for (Tensor p : d.values()) {
            p.zeroGrad();
        }
        Tensor gLoss = F.binaryCrossEntropyWithLogits(discriminator(d, fake), ones);
        assertThat(gLoss.item()).isCloseTo(ref.get("g_loss").asDouble(), org.assertj.core.data.Offset.offset(TOLERANCE));
        gLoss.backward();
        ref.get("g_grads").fields().forEachRemaining(e -> assertClose("G " + e.getKey() + ".grad", g.get(e.getKey()).grad(), tensor(e.getValue())));
        for (String net : new String[] {"G", "D"}) {
            Map<String, Tensor> p = net.equals("G") ? g : d;
            ref.get(net).fields().forEachRemaining(e -> {
                if (e.getKey().contains("running")) {
                    assertClose(net + " " + e.getKey(), p.get(e.getKey()), tensor(e.getValue()));
                }
            });
        }
    }

    private static void assertClose(String what, Tensor actual, Tensor expected) {
        assertThat(actual).as(what + " exists").isNotNull();
        assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
        double[] a = actual.toDoubleArray();
        double[] b = expected.toDoubleArray();
        double scale = 1e-300;
        for (double v : b) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < b.length; i++) {
            // relative to the largest value; absolute 1e-12 for gradients that are zero in exact arithmetic (a conv bias before BatchNorm)
            assertThat(Math.abs(a[i] - b[i])).as(what + "[" + i + "]: " + a[i] + " vs " + b[i]).isLessThanOrEqualTo(1e-12 + TOLERANCE * scale);
        }
    }
}
