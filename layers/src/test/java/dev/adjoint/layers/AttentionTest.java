package dev.adjoint.layers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Autograd;
import dev.adjoint.autograd.GradCheck;
import dev.adjoint.ops.F;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MultiheadAttention and scaled dot-product attention against PyTorch 1.13 in float64, 1e-10
 * ({@code examples/pytorch/make_attention_reference.py} wrote {@code attention.json}), and a ViT-style
 * block written the PyTorch way.
 */
class AttentionTest {
    private static final double TOL = 1e-10;
    private static JsonNode ref() throws IOException {
        // the masked case holds -Infinity, which Python's json writes and strict JSON does not have
        return com.fasterxml.jackson.databind.json.JsonMapper.builder().enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .build().readTree(Path.of("src/test/resources/attention.json").toFile());
    }

    private static Tensor tensor(JsonNode t, boolean grad) {
        if (t == null || t.isNull()) {
            return null;
        }
        long[] shape = new long[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.get("shape").get(i).asLong();
        }
        double[] v = new double[t.get("data").size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.get("data").get(i).asDouble();
        }
        return Tensor.of(DType.FLOAT64, v, shape).requiresGrad(grad);
    }

    private static void close(String what, Tensor got, JsonNode want) {
        Tensor w = tensor(want, false);
        assertThat(got.shape()).as(what + " shape").containsExactly(w.shape());
        double[] g = got.toDoubleArray();
        double[] e = w.toDoubleArray();
        double scale = 1;
        double diff = 0;
        for (int i = 0; i < e.length; i++) {
            scale = Math.max(scale, Math.abs(e[i]));
            diff = Math.max(diff, Math.abs(g[i] - e[i]));
        }
        assertThat(diff / scale).as(what).isLessThanOrEqualTo(TOL);
    }

    @Test
    void multiheadAttentionMatchesPyTorchWithItsStateDictNames() throws IOException {
        for (JsonNode c : ref().get("mha")) {
            MultiheadAttention m = new MultiheadAttention(c.get("embed").asInt(), c.get("heads").asInt(), 0.0, true, c.get("batch_first").asBoolean())
                    .to(DType.FLOAT64);
            Map<String, Tensor> state = new LinkedHashMap<>();
            c.get("state").fields().forEachRemaining(e -> state.put(e.getKey(), tensor(e.getValue(), false)));
            assertThat(m.stateDict().keySet()).containsExactlyElementsOf(state.keySet());
            m.loadStateDict(state);
            boolean self = c.get("self").asBoolean();
            Tensor q = tensor(c.get("q"), true);
            Tensor k = self ? q : tensor(c.get("k"), true);
            Tensor v = self ? q : tensor(c.get("v"), true);
            Tensor y = self ? m.forward(q) : m.forward(q, k, v, tensor(c.get("mask"), false));
            close("y", y, c.get("y"));
            List<Tensor> wrt = new ArrayList<>(self ? List.of(q) : List.of(q, k, v));
            List<String> names = new ArrayList<>(self ? List.of("grad_q") : List.of("grad_q", "grad_k", "grad_v"));
            m.namedParameters().forEach((n, p) -> {
                wrt.add(p);
                names.add(n);
            });
            Tensor[] g = Autograd.grad(new Tensor[] {y.mul(tensor(c.get("grad_output"), false)).sum()}, wrt.toArray(new Tensor[0]), null, false, false);
            for (int i = 0; i < g.length; i++) {
                JsonNode want = names.get(i).startsWith("grad_") ? c.get(names.get(i)) : c.get("grad_params").get(names.get(i));
                close(names.get(i), g[i], want);
            }
        }
    }

    @Test
    void scaledDotProductAttentionMatchesTheFormulaInPyTorchAndPassesGradcheck() throws IOException {
        for (JsonNode c : ref().get("sdpa")) {
            Tensor q = tensor(c.get("q"), true);
            Tensor k = tensor(c.get("k"), true);
            Tensor v = tensor(c.get("v"), true);
            Tensor y = F.scaledDotProductAttention(q, k, v, null, c.get("causal").asBoolean());
            close("y", y, c.get("y"));
            Tensor[] g = Autograd.grad(new Tensor[] {y.mul(tensor(c.get("grad_output"), false)).sum()}, new Tensor[] {q, k, v}, null, false, false);
            close("grad_q", g[0], c.get("grad_q"));
            close("grad_k", g[1], c.get("grad_k"));
            close("grad_v", g[2], c.get("grad_v"));
        }
        GradCheck.assertGradients(t -> F.scaledDotProductAttention(t[0], t[1], t[2], null, true), GradCheck.input(1, 1, 2, 3, 4),
                GradCheck.input(2, 1, 2, 3, 4), GradCheck.input(3, 1, 2, 3, 2));
    }

    /** A ViT-style block written as in PyTorch: LayerNorm, one qkv projection chunked in three, attention, torch.cat of heads. */
    static final class VitBlock extends Module {
        final LayerNorm norm = new LayerNorm(8);
        final Linear qkv = new Linear(8, 24);
        final Linear proj = new Linear(8, 8);

        @Override
        public Tensor forward(Tensor x) { // x [B, L, 8], 2 heads of 4
            List<Tensor> parts = qkv.forward(norm.forward(x)).chunk(3, -1);
            List<Tensor> heads = new ArrayList<>();
            for (int h = 0; h < 2; h++) {
                heads.add(F.scaledDotProductAttention(parts.get(0).narrow(-1, 4L * h, 4), parts.get(1).narrow(-1, 4L * h, 4),
                        parts.get(2).narrow(-1, 4L * h, 4), null, false));
            }
            return x.add(proj.forward(F.cat(heads, -1)));
        }
    }

    @Test
    void aVitBlockWrittenThePyTorchWayTrains() {
        Init.manualSeed(0);
        VitBlock b = new VitBlock().to(DType.FLOAT64);
        assertThat(b.stateDict().keySet()).containsExactly("norm.weight", "norm.bias", "qkv.weight", "qkv.bias", "proj.weight", "proj.bias");
        Tensor x = Tensor.randn(1, DType.FLOAT64, 2, 5, 8);
        GradCheck.assertGradients(t -> b.forward(t[0]), x.requiresGrad(true));
    }

    /** A two-level U-Net written the PyTorch way: down by max pooling, up by Upsample, skip joined with torch.cat. */
    static final class TinyUNet extends Module {
        final Conv2d enc = new Conv2d(1, 4, 3, 1, 1);
        final MaxPool2d down = new MaxPool2d(2);
        final Conv2d mid = new Conv2d(4, 4, 3, 1, 1);
        final Upsample up = new Upsample(2, "bilinear");
        final Conv2d dec = new Conv2d(8, 1, 3, 1, 1);

        @Override
        public Tensor forward(Tensor x) {
            Tensor e = enc.forward(x).relu();
            Tensor m = mid.forward(down.forward(e)).relu();
            return dec.forward(F.cat(List.of(e, up.forward(m)), 1));
        }
    }

    @Test
    void aUNetWithUpsampleAndCatTrains() {
        Init.manualSeed(0);
        TinyUNet u = new TinyUNet().to(DType.FLOAT64);
        assertThat(u.stateDict().keySet()).containsExactly("enc.weight", "enc.bias", "mid.weight", "mid.bias", "dec.weight", "dec.bias");
        Tensor x = Tensor.randn(2, DType.FLOAT64, 1, 1, 6, 6);
        assertThat(u.forward(x).shape()).containsExactly(1, 1, 6, 6);
        GradCheck.assertGradients(t -> u.forward(t[0]), x.requiresGrad(true));
    }

    /**
     * Loads PyTorch's state dict and input, then checks the output and the gradients of
     * {@code sum(y * grad_output)} for the input and every parameter, by state-dict name, to 1e-10.
     */
    private static void matchesPyTorch(Module m, JsonNode c) {
        Map<String, Tensor> state = new java.util.LinkedHashMap<>();
        c.get("state").fields().forEachRemaining(e -> state.put(e.getKey(), tensor(e.getValue(), false)));
        m.loadStateDict(state);
        Tensor x = tensor(c.get("x"), true);
        Tensor y = m.forward(x);
        close("y", y, c.get("y"));
        Map<String, Parameter> params = m.namedParameters();
        List<Tensor> wrt = new ArrayList<>(List.of(x));
        List<String> names = new ArrayList<>(List.of("x"));
        params.forEach((n, p) -> {
            wrt.add(p);
            names.add(n);
        });
        Tensor[] g = Autograd.grad(new Tensor[] {y.mul(tensor(c.get("grad_output"), false)).sum()}, wrt.toArray(new Tensor[0]), null, false, false);
        close("grad_x", g[0], c.get("grad_x"));
        for (int i = 1; i < g.length; i++) {
            close("grad " + names.get(i), g[i], c.get("grad_params").get(names.get(i)));
        }
        assertThat(names.subList(1, names.size())).as("every parameter of PyTorch's twin, by name")
                .containsExactlyInAnyOrderElementsOf(() -> c.get("grad_params").fieldNames());
    }

    @Test
    void aVitBlockWrittenThePyTorchWayMatchesPyTorch() throws IOException {
        matchesPyTorch(new VitBlock().to(DType.FLOAT64), ref().get("vit"));
    }

    @Test
    void aUNetWithUpsampleAndCatMatchesPyTorch() throws IOException {
        matchesPyTorch(new TinyUNet().to(DType.FLOAT64), ref().get("unet"));
    }
}
