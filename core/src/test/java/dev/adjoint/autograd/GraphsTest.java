package dev.adjoint.autograd;

import static dev.adjoint.TensorAssertions.f64;
import static org.assertj.core.api.Assertions.assertThat;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.ops.F;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GraphsTest {
    /** A small CNN-like graph with a shared subexpression: conv -> relu -> (a * a + a) -> sum. */
    static Tensor smallGraph() {
        Tensor x = Tensor.randn(1, DType.FLOAT64, 1, 1, 5, 5);
        Tensor w = Tensor.randn(2, DType.FLOAT64, 2, 1, 3, 3).requiresGrad(true).name("conv.weight");
        Tensor b = Tensor.randn(3, DType.FLOAT64, 2).requiresGrad(true).name("conv.bias");
        Tensor a = F.conv2d(x, w, b, 1, 1).relu();
        return a.mul(a).add(a).sum();
    }

    @Test
    void textTreeShowsFunctionsArgumentsLeavesAndSharedNodes() {
        String text = Graphs.toText(smallGraph());
        assertThat(text).startsWith("Tensor[] float64\n  Sum#")
                .contains("a: ReluFunction#").contains("ConvNd#").contains("stride=[1, 1], padding=[1, 1]").contains("-> [1, 2, 5, 5]")
                .contains("w: 'conv.weight' [2, 1, 3, 3] float64").contains("x: constant [1, 1, 5, 5]")
                .contains("(shown above)");
    }

    /** A line-level check of the DOT grammar subset Graphs writes: header, node and edge statements, closing brace. */
    @Test
    void dotOutputParses() {
        String dot = Graphs.toDot(smallGraph());
        String[] lines = dot.split("\n");
        assertThat(lines[0]).isEqualTo("digraph adjoint {");
        assertThat(lines[lines.length - 1]).isEqualTo("}");
        Pattern quoted = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
        Pattern attrs = Pattern.compile("\\[(\\w+=(?:\\w+|Q)(, )?)+\\]");
        Pattern node = Pattern.compile("  (\\w+) (A);");
        Pattern edge = Pattern.compile("  (\\w+) -> (\\w+) (A);");
        Set<String> declared = new HashSet<>();
        List<String[]> edges = new ArrayList<>();
        for (int i = 1; i < lines.length - 1; i++) {
            String l = quoted.matcher(lines[i]).replaceAll("Q");
            l = attrs.matcher(l).replaceAll("A");
            Matcher n = node.matcher(l);
            Matcher e = edge.matcher(l);
            if (n.matches()) {
                declared.add(n.group(1));
            } else if (e.matches()) {
                edges.add(new String[] {e.group(1), e.group(2)});
            } else {
                assertThat(l).as("line " + i + " is a DOT statement").matches("  (rankdir=BT|node A|edge A);");
            }
        }
        assertThat(edges).isNotEmpty();
        for (String[] e : edges) {
            assertThat(declared).as("edge endpoints are declared nodes").contains(e[0], e[1]);
        }
        assertThat(dot).contains("label=\"conv.weight\\n[2, 1, 3, 3]\"").contains("label=\"w [2, 1, 3, 3]\"");
    }

    @Test
    void traceListsEveryFunctionExactlyOnceConsumersFirst() {
        Tensor y = smallGraph();
        // collect the graph: function label -> labels of the functions that produced its inputs
        Map<String, List<String>> producers = new HashMap<>();
        for (Function fn : Engine.reverseTopologicalOrder(new Tensor[] {y})) {
            List<String> ps = new ArrayList<>();
            for (Function p : fn.inputsCreators()) {
                if (p != null) {
                    ps.add(p.label());
                }
            }
            producers.put(fn.label(), ps);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Autograd.Trace t = Autograd.trace(new PrintStream(out, true))) {
            y.backward();
        }
        List<String> order = new ArrayList<>();
        for (String line : out.toString().trim().split("\n")) {
            order.add(line.substring(0, line.indexOf(' ')));
        }
        assertThat(order).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(producers.keySet());
        for (String fn : order) {
            for (String p : producers.get(fn)) {
                assertThat(order.indexOf(p)).as(p + " runs after its consumer " + fn).isGreaterThan(order.indexOf(fn));
            }
        }
        String conv = out.toString().lines().filter(l -> l.startsWith("ConvNd#")).findFirst().orElseThrow();
        assertThat(conv).contains("gy[1, 2, 5, 5] -> gw[2, 1, 3, 3] = convWeightGrad(x, gy); gb[2] = sum(gy, [0, 2, 3])");
    }

    @Test
    void traceOfConvShowsTheTransposedConvolution() {
        Tensor x = f64(new double[16], 1, 1, 4, 4).requiresGrad(true);
        Tensor w = Tensor.randn(4, DType.FLOAT64, 1, 1, 3, 3);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Tensor y = F.conv2d(x, w, null, 1, 1).sum();
        try (Autograd.Trace t = Autograd.trace(new PrintStream(out, true))) {
            y.backward();
        }
        assertThat(out.toString()).contains("gx[1, 1, 4, 4] = convTranspose2d(gy, w, stride=[1, 1], padding=[1, 1], dilation=[1, 1])");
    }
}
