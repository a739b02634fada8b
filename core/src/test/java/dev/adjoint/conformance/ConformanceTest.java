package dev.adjoint.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adjoint.DType;
import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Autograd;
import dev.adjoint.ops.F;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs reference cases computed with PyTorch (format: docs/CONFORMANCE.md): forward values,
 * gradients, double-backward gradients and invalid configurations, in float64, relative error
 * {@code max|got - want| / max(1, max|want|) <= 1e-9}. One dynamic test per case, named by file and index.
 *
 * <p>Folder: the system property {@code adjoint.conformance.dir}; when unset, the shared reference
 * sets next to the checkout ({@code ../shared/conformance}, {@code conformance-next}, {@code conformance-ops}) that are present.
 * Cases of the ops format (FORMAT-OPS.md: inputs named {@code a}, {@code b}, {@code x0, x1, ...}) run through {@link #runNamed}. The project's own cases in
 * {@code src/test/resources/conformance} always run as well, so a fresh clone is covered.
 */
class ConformanceTest {
    static final double TOLERANCE = 1e-9;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> configuredCases() throws IOException {
        String prop = System.getProperty("adjoint.conformance.dir", "");
        if (!prop.isBlank()) {
            Path dir = Path.of(prop);
            assertThat(dir).as("adjoint.conformance.dir").isDirectory();
            return casesIn(dir);
        }
        // the shared sets next to the checkout, each that is there
        Stream<DynamicTest> all = Stream.empty();
        for (String set : new String[] {"conformance", "conformance-next", "conformance-ops"}) {
            Path dir = Path.of("..", "..", "shared", set);
            if (Files.isDirectory(dir)) {
                all = Stream.concat(all, casesIn(dir));
            }
        }
        return all;
    }

    @TestFactory
    Stream<DynamicTest> bundledCases() throws IOException {
        Path dir = Path.of("src", "test", "resources", "conformance");
        assertThat(dir).isDirectory();
        return casesIn(dir);
    }

    static Stream<DynamicTest> casesIn(Path dir) throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).as("*.json cases in " + dir.toAbsolutePath()).isNotEmpty();
        for (Path f : files) {
            JsonNode cases = JSON.readTree(f.toFile());
            for (int i = 0; i < cases.size(); i++) {
                JsonNode c = cases.get(i);
                String name = f.getFileName() + "#" + i + " " + c.get("op").asText() + " " + c.get("params");
                tests.add(DynamicTest.dynamicTest(name, () -> run(c)));
            }
        }
        return tests.stream();
    }

    // ---------------------------------------------------------------- one case

    /** The ops of conformance-ops' format (FORMAT-OPS.md): any input names, a gradient for each named in expected. */
    static final java.util.Set<String> OPS_FORMAT = java.util.Set.of("add", "sub", "mul", "div", "neg", "exp", "log", "sqrt", "erf", "sigmoid",
            "tanh", "abs", "relu", "pow", "clamp", "softmax", "sum", "mean", "max", "amax", "matmul", "transpose", "permute", "reshape", "view",
            "flatten", "squeeze", "unsqueeze", "expand", "narrow", "slice", "cat", "stack", "pad", "flip", "sum_to_size", "nll_loss", "l1_loss",
            // the project's own cases (own_ops.json) for ops beyond FORMAT-OPS.md's table
            "chunk", "split", "masked_fill", "interpolate", "broadcast_to", "topk_values", "cross_entropy_options", "mse_loss_reduction",
            "argmax", "eq", "ne", "lt", "le", "gt", "ge");

    static void run(JsonNode c) {
        if (OPS_FORMAT.contains(c.get("op").asText())) {
            runNamed(c);
            return;
        }
        String op = c.get("op").asText();
        JsonNode params = c.get("params");
        JsonNode inputs = c.get("inputs");
        if (c.path("error").asBoolean(false)) {
            Tensor x = tensor(inputs.get("x"), false);
            Tensor w = tensor(inputs.get("w"), false);
            Tensor b = tensor(inputs.get("b"), false);
            assertThatThrownBy(() -> call(op, params, x, w, b, inputs))
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).as("message names the op")
                            .containsIgnoringCase(op.replace("_", "").replace("transpose", "Transpose").substring(0, 4)))
                    .satisfies(e -> assertThat(namesAnArgument(e.getMessage()))
                            .as("message names the offending argument: " + e.getMessage()).isTrue());
            return;
        }
        Tensor x = tensor(inputs.get("x"), true);
        Tensor w = tensor(inputs.get("w"), true);
        Tensor b = tensor(inputs.get("b"), true);
        JsonNode expected = c.get("expected");
        Tensor y = call(op, params, x, w, b, inputs);
        assertClose("y", y, expected.get("y"));

        Tensor go = tensor(c.get("grad_output"), false);
        List<Tensor> wrt = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String n : new String[] {"x", "w", "b"}) {
            Tensor t = n.equals("x") ? x : n.equals("w") ? w : b;
            if (t != null && expected.hasNonNull("grad_" + n)) {
                wrt.add(t);
                names.add(n);
            }
        }
        Tensor scalar = go == null ? y : y.mul(go).sum();
        Tensor[] grads = Autograd.grad(new Tensor[] {scalar}, wrt.toArray(new Tensor[0]), null, false, false);
        for (int i = 0; i < grads.length; i++) {
            assertThat(grads[i]).as("grad_" + names.get(i) + " reached").isNotNull();
            assertClose("grad_" + names.get(i), grads[i], expected.get("grad_" + names.get(i)));
        }

        JsonNode db = c.get("double_backward");
        if (db != null && !db.isNull()) {
            Tensor go2 = tensor(c.get("grad_output"), true);
            Tensor x2 = tensor(inputs.get("x"), true);
            Tensor w2 = tensor(inputs.get("w"), true);
            Tensor b2 = tensor(inputs.get("b"), true);
            Tensor y2 = call(op, params, x2, w2, b2, inputs);
            Tensor gx = Autograd.grad(new Tensor[] {y2.mul(go2).sum()}, new Tensor[] {x2}, null, true, true)[0];
            Tensor v = tensor(db.get("v"), false);
            Tensor[] second = Autograd.grad(new Tensor[] {gx.mul(v).sum()}, new Tensor[] {w2, go2}, null, false, false);
            assertClose("double_backward grad_w", second[0], db.get("grad_w"));
            assertClose("double_backward grad_grad_output", second[1], db.get("grad_grad_output"));
        }
    }

    /** A case whose inputs are named freely: every input but a loss's target requires grad; each non-null grad_NAME is checked. */
    static void runNamed(JsonNode c) {
        String op = c.get("op").asText();
        JsonNode params = c.get("params");
        java.util.Map<String, Tensor> in = new java.util.LinkedHashMap<>();
        // data inputs (a loss's target, a mask) need no gradient
        c.get("inputs").fields().forEachRemaining(e -> in.put(e.getKey(), tensor(e.getValue(), !e.getKey().equals("target") && !e.getKey().equals("mask"))));
        JsonNode expected = c.get("expected");
        Tensor y = callNamed(op, params, in);
        assertClose("y", y, expected.get("y"));
        List<Tensor> wrt = new ArrayList<>();
        List<String> names = new ArrayList<>();
        in.forEach((n, t) -> {
            if (t != null && expected.hasNonNull("grad_" + n)) {
                wrt.add(t);
                names.add(n);
            }
        });
        if (wrt.isEmpty()) {
            return; // a values-only case (argmax, comparisons): nothing to differentiate
        }
        Tensor go = tensor(c.get("grad_output"), false);
        Tensor scalar = go == null ? y : y.mul(go).sum();
        Tensor[] grads = Autograd.grad(new Tensor[] {scalar}, wrt.toArray(new Tensor[0]), null, false, false);
        for (int i = 0; i < grads.length; i++) {
            assertThat(grads[i]).as("grad_" + names.get(i) + " reached").isNotNull();
            assertClose("grad_" + names.get(i), grads[i], expected.get("grad_" + names.get(i)));
        }
    }

    static Tensor callNamed(String op, JsonNode p, java.util.Map<String, Tensor> in) {
        Tensor x = in.get("x");
        Tensor a = in.get("a");
        Tensor b = in.get("b");
        switch (op) {
            case "add": return F.add(a, b);
            case "sub": return F.sub(a, b);
            case "mul": return F.mul(a, b);
            case "div": return F.div(a, b);
            case "neg": return F.neg(x);
            case "exp": return F.exp(x);
            case "log": return F.log(x);
            case "sqrt": return F.sqrt(x);
            case "erf": return F.erf(x);
            case "sigmoid": return F.sigmoid(x);
            case "tanh": return F.tanh(x);
            case "abs": return F.abs(x);
            case "relu": return F.relu(x);
            case "pow": return F.pow(x, p.get("exponent").asDouble());
            case "clamp":
                return F.clamp(x, p.get("min").isNull() ? Double.NEGATIVE_INFINITY : p.get("min").asDouble(),
                        p.get("max").isNull() ? Double.POSITIVE_INFINITY : p.get("max").asDouble());
            case "softmax": return F.softmax(x, p.get("dim").asInt());
            case "sum": return p.get("dim").isNull() ? F.sum(x) : F.sum(x, ints(p, "dim"), p.get("keepdim").asBoolean());
            case "mean": return p.get("dim").isNull() ? F.mean(x) : F.mean(x, ints(p, "dim"), p.get("keepdim").asBoolean());
            case "max": return p.get("dim").isNull() ? F.max(x) : F.max(x, ints(p, "dim"), p.get("keepdim").asBoolean());
            case "amax": return F.max(x, ints(p, "dim"), p.get("keepdim").asBoolean());
            case "matmul": {
                boolean ta = p.path("transpose_a").asBoolean(false);
                boolean tb = p.path("transpose_b").asBoolean(false);
                return ta || tb ? F.matmul(a, ta, b, tb) : F.matmul(a, b);
            }
            case "transpose": return F.transpose(x, p.get("dim0").asInt(), p.get("dim1").asInt());
            case "permute": return F.permute(x, ints(p, "dims"));
            case "reshape": return F.reshape(x, dev.adjoint.Shapes.toLong(ints(p, "shape")));
            case "view": return F.view(x, dev.adjoint.Shapes.toLong(ints(p, "shape")));
            case "flatten": return F.flatten(x, p.get("start_dim").asInt());
            case "squeeze": return F.squeeze(x, p.get("dim").asInt());
            case "unsqueeze": return F.unsqueeze(x, p.get("dim").asInt());
            case "expand": return F.expand(x, dev.adjoint.Shapes.toLong(ints(p, "size")));
            case "narrow": return F.narrow(x, p.get("dim").asInt(), p.get("start").asLong(), p.get("length").asLong());
            case "slice": return F.slice(x, p.get("dim").asInt(), p.get("start").asLong(), p.get("end").asLong());
            case "cat": return F.concat(p.get("dim").asInt(), numbered(in));
            case "stack": return F.stack(p.get("dim").asInt(), numbered(in));
            case "pad": {
                int[] pad = ints(p, "pad");
                long[] before = new long[x.dim()];
                long[] after = new long[x.dim()];
                for (int j = 0; j < pad.length / 2; j++) { // PyTorch's list runs from the last dim backwards
                    before[x.dim() - 1 - j] = pad[2 * j];
                    after[x.dim() - 1 - j] = pad[2 * j + 1];
                }
                return F.pad(x, before, after, p.get("value").asDouble());
            }
            case "flip": return F.flip(x, ints(p, "dims"));
            case "sum_to_size": return F.sumTo(x, dev.adjoint.Shapes.toLong(ints(p, "size")));
            case "nll_loss": return F.nllLoss(x, ints(p, "target"));
            case "l1_loss": return F.l1Loss(x, in.get("target"));
            case "chunk": return F.chunk(x, p.get("chunks").asInt(), p.get("dim").asInt()).get(p.get("index").asInt());
            case "split": return F.split(x, p.get("size").asLong(), p.get("dim").asInt()).get(p.get("index").asInt());
            case "masked_fill": return F.maskedFill(x, in.get("mask"), p.get("value").asDouble());
            case "interpolate": {
                int[] size = ints(p, "size");
                return F.interpolate(x, size[0], size[1], p.get("mode").asText(), p.get("align_corners").asBoolean());
            }
            case "broadcast_to": return F.broadcastTo(x, dev.adjoint.Shapes.toLong(ints(p, "size")));
            case "topk_values": return F.topk(x, p.get("k").asInt(), p.get("dim").asInt()).values();
            case "cross_entropy_options": {
                Tensor weight = p.get("weight").isNull() ? null : Tensor.of(dev.adjoint.DType.FLOAT64, doubles(p.get("weight")), p.get("weight").size());
                return F.crossEntropy(x, ints(p, "target"), weight, p.get("ignore_index").asInt(), p.get("label_smoothing").asDouble(),
                        dev.adjoint.ops.Reduction.valueOf(p.get("reduction").asText().toUpperCase(java.util.Locale.ROOT)));
            }
            case "argmax": return F.argmax(x, p.get("dim").asInt(), p.get("keepdim").asBoolean());
            case "eq": return F.eq(a, b);
            case "ne": return F.ne(a, b);
            case "lt": return F.lt(a, b);
            case "le": return F.le(a, b);
            case "gt": return F.gt(a, b);
            case "ge": return F.ge(a, b);
            case "mse_loss_reduction":
                return F.mseLoss(x, in.get("target"), dev.adjoint.ops.Reduction.valueOf(p.get("reduction").asText().toUpperCase(java.util.Locale.ROOT)));
            default: throw new AssertionError("unknown op in conformance case: " + op);
        }
    }

    /** Inputs x0, x1, ... in order. */
    private static Tensor[] numbered(java.util.Map<String, Tensor> in) {
        List<Tensor> xs = new ArrayList<>();
        for (int i = 0; in.containsKey("x" + i); i++) {
            xs.add(in.get("x" + i));
        }
        return xs.toArray(new Tensor[0]);
    }

    private static boolean namesAnArgument(String message) {
        for (String a : new String[] {"stride", "padding", "outputPadding", "dilation", "groups", "channels", "kernel", "bias"}) {
            if (message.contains(a)) {
                return true;
            }
        }
        return false;
    }

    static Tensor call(String op, JsonNode p, Tensor x, Tensor w, Tensor b, JsonNode inputs) {
        switch (op) {
            case "conv1d":
                return F.conv1d(x, w, b, ints(p, "stride"), ints(p, "padding"), ints(p, "dilation"), p.get("groups").asInt());
            case "conv2d":
                return F.conv2d(x, w, b, ints(p, "stride"), ints(p, "padding"), ints(p, "dilation"), p.get("groups").asInt());
            case "conv_transpose1d":
                return F.convTranspose1d(x, w, b, ints(p, "stride"), ints(p, "padding"), ints(p, "output_padding"), ints(p, "dilation"),
                        p.get("groups").asInt());
            case "conv_transpose2d":
                return F.convTranspose2d(x, w, b, ints(p, "stride"), ints(p, "padding"), ints(p, "output_padding"), ints(p, "dilation"),
                        p.get("groups").asInt());
            case "max_pool2d":
                return F.maxPool2d(x, ints(p, "kernel_size"), ints(p, "stride"), ints(p, "padding"));
            case "avg_pool2d":
                return F.avgPool2d(x, ints(p, "kernel_size"), ints(p, "stride"), ints(p, "padding"), p.get("count_include_pad").asBoolean());
            case "linear":
                return F.linear(x, w, b);
            case "cross_entropy":
                return F.crossEntropy(x, ints(p, "target"));
            case "log_softmax":
                return F.logSoftmax(x, p.get("dim").asInt());
            case "mse_loss":
                return F.mseLoss(x, tensor(inputs.get("target"), false));
            case "binary_cross_entropy":
                return F.binaryCrossEntropy(p.path("through_sigmoid").asBoolean(false) ? F.sigmoid(x) : x, tensor(inputs.get("target"), false));
            case "binary_cross_entropy_with_logits":
                return F.binaryCrossEntropyWithLogits(x, tensor(inputs.get("target"), false));
            case "group_norm":
                return F.groupNorm(x, p.get("num_groups").asInt(), w, b, p.get("eps").asDouble());
            case "layer_norm":
                return F.layerNorm(x, dev.adjoint.Shapes.toLong(ints(p, "normalized_shape")), w, b, p.get("eps").asDouble());
            case "batch_norm1d": { // as nn.BatchNorm1d: [N, C] or [N, C, L] normalized per channel
                long length = x.dim() == 3 ? x.size(2) : 1;
                Tensor y = F.batchNorm2d(x.reshape(x.size(0), x.size(1), length, 1), null, null, w, b, p.get("training").asBoolean(), 0.1,
                        p.get("eps").asDouble());
                return y.reshape(x.shape());
            }
            case "gelu":
                return F.gelu(x);
            case "silu":
                return F.silu(x);
            case "leaky_relu":
                return F.leakyRelu(x, p.get("negative_slope").asDouble());
            case "adaptive_avg_pool2d": {
                int[] size = ints(p, "output_size");
                return F.adaptiveAvgPool2d(x, size[0], size[1]);
            }
            case "batch_norm2d":
                return F.batchNorm2d(x, null, null, w, b, p.get("training").asBoolean(), 0.1, p.get("eps").asDouble());
            default:
                throw new AssertionError("unknown op in conformance case: " + op);
        }
    }

    static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    static int[] ints(JsonNode p, String name) {
        JsonNode a = p.get(name);
        if (a == null || a.isNull()) {
            throw new AssertionError("case has no param " + name);
        }
        if (a.isNumber()) {
            return new int[] {a.asInt()};
        }
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    static Tensor tensor(JsonNode t, boolean requiresGrad) {
        if (t == null || t.isNull()) {
            return null;
        }
        JsonNode s = t.get("shape");
        long[] shape = new long[s.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = s.get(i).asLong();
        }
        JsonNode d = t.get("data");
        double[] data = new double[d.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = d.get(i).asDouble();
        }
        return Tensor.of(DType.FLOAT64, data, shape).requiresGrad(requiresGrad);
    }

    static void assertClose(String what, Tensor got, JsonNode want) {
        Tensor w = tensor(want, false);
        assertThat(got.shape()).as(what + " shape").containsExactly(w.shape());
        double[] g = got.toDoubleArray();
        double[] e = w.toDoubleArray();
        double maxDiff = 0;
        double scale = 1;
        for (int i = 0; i < e.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(g[i] - e[i]));
            scale = Math.max(scale, Math.abs(e[i]));
        }
        assertThat(maxDiff / scale).as(what + " relative error (got " + Arrays.toString(Arrays.copyOf(g, Math.min(g.length, 8)))
                + ", want " + Arrays.toString(Arrays.copyOf(e, Math.min(e.length, 8))) + ", shape " + Shapes.str(w.shape()) + ")")
                .isLessThanOrEqualTo(TOLERANCE);
    }
}
