package dev.adjoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The kernel seam, checked by scanning the sources of adjoint-core and adjoint-layers:
 * <ul>
 *   <li>only {@code dev.adjoint.kernels} and the memory pool ({@code dev.adjoint.memory}) touch native
 *       code ({@code org.bytedeco}); only the kernels touch their internals ({@code kernels.cpu},
 *       {@code kernels.reference}: Host, Blas, the thread split); everything else goes through the
 *       {@code Kernels} interface;</li>
 *   <li>the kernels depend on no other adjoint package but the memory pool, and the pool on none, so
 *       no dependency cycle can pass through them;</li>
 *   <li>the only package cycle is the deliberate one of the autograd core: {@code Tensor}'s methods
 *       delegate to the functional facade {@code F} (dev.adjoint.ops), whose functions
 *       (dev.adjoint.ops.*, dev.adjoint.autograd) make and return Tensors.</li>
 * </ul>
 */
class ArchitectureTest {
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    /** A reference to a class in another adjoint package: an import or a qualified name. */
    private static final Pattern ADJOINT_REF = Pattern.compile("\\b(dev\\.adjoint(?:\\.[a-z]\\w*)*)\\.(?:[A-Z]|\\*)");
    private static final Set<String> AUTOGRAD_CORE = Set.of("dev.adjoint", "dev.adjoint.autograd", "dev.adjoint.ops");

    private record Source(Path path, String pkg, String text) {
    }

    private static List<Source> sources() {
        Path core = Path.of("src/main/java");
        Path layers = Path.of("../layers/src/main/java");
        assertThat(core.resolve("dev/adjoint/Tensor.java")).as("run from the core module").exists();
        assertThat(layers.resolve("dev/adjoint/layers/Module.java")).as("layers sources next to core").exists();
        List<Source> all = new ArrayList<>();
        for (Path root : List.of(core, layers)) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(p -> p.toString().endsWith(".java")).forEach(p -> {
                    try {
                        String text = Files.readString(p);
                        Matcher m = PACKAGE.matcher(text);
                        assertThat(m.find()).as(p + " has a package").isTrue();
                        all.add(new Source(p, m.group(1), text));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertThat(all).hasSizeGreaterThan(60);
        return all;
    }

    private static final String MEMORY = "dev.adjoint.memory";

    private static boolean inKernels(String pkg) {
        return pkg.equals("dev.adjoint.kernels") || pkg.startsWith("dev.adjoint.kernels.");
    }

    @Test
    void onlyTheKernelsTouchNativeCodeOrKernelInternals() {
        List<String> offenders = new ArrayList<>();
        Pattern internals = Pattern.compile("dev\\.adjoint\\.kernels\\.(cpu|reference)\\b"
                + "|\\b(Host|Blas|Columns|Parallel|Loops|Norms|Depthwise|Pooling|OpenBlasCore)\\.|org\\.bytedeco"); // the kernel internals of today
        for (Source s : sources()) {
            if (inKernels(s.pkg)) {
                continue;
            }
            Matcher m = internals.matcher(s.text);
            if (s.pkg.equals(MEMORY)) {
                m = internals.matcher(s.text.replace("org.bytedeco", "")); // native memory is the pool's job
            }
            while (m.find()) {
                offenders.add(s.path + ": " + m.group());
            }
        }
        assertThat(offenders).as("code outside dev.adjoint.kernels that reaches past the Kernels interface").isEmpty();
    }

    @Test
    void theKernelsDependOnNoOtherAdjointPackageButTheMemoryPool() {
        List<String> offenders = new ArrayList<>();
        for (Source s : sources()) {
            boolean kernels = inKernels(s.pkg);
            if (!kernels && !s.pkg.equals(MEMORY)) {
                continue;
            }
            Matcher m = ADJOINT_REF.matcher(s.text);
            while (m.find()) {
                boolean allowed = kernels ? inKernels(m.group(1)) || m.group(1).equals(MEMORY) : m.group(1).equals(MEMORY);
                if (!allowed && !m.group(1).equals(s.pkg)) {
                    offenders.add(s.path + " -> " + m.group(1));
                }
            }
        }
        assertThat(offenders).isEmpty();
    }

    /** Every Function class: a source in dev.adjoint.ops.* that declares a class extending Function or ConvFunction. */
    private static List<Source> functions() {
        Pattern fn = Pattern.compile("class \\w+ extends (Function|ConvFunction)\\b");
        return sources().stream().filter(s -> s.pkg.startsWith("dev.adjoint.ops") && fn.matcher(s.text).find()).toList();
    }

    private static String simpleName(Source s) {
        String file = s.path.getFileName().toString();
        return file.substring(0, file.length() - ".java".length());
    }

    @Test
    void noFunctionSharesALayersName() {
        Set<String> layers = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (Source s : sources()) {
            if (s.pkg.equals("dev.adjoint.layers")) {
                layers.add(simpleName(s));
            }
        }
        assertThat(layers).contains("ReLU", "MaxPool2d", "Conv2d");
        List<String> shared = functions().stream().map(ArchitectureTest::simpleName).filter(layers::contains).toList();
        assertThat(shared).as("Function classes named like a layer (a trace line must say which one ran; suffix them with Function)").isEmpty();
    }

    /**
     * The functions that still call ND4J's factories or its {@code Transforms} math directly, and
     * why; every other Function computes through Kernels primitives or other Functions. A new
     * Function on this list is a decision to write down here, not an accident.
     */
    private static final Map<String, String> CALLS_ND4J_DIRECTLY = Map.ofEntries(
            Map.entry("Abs", "unary math (Transforms.abs, sign): no kernel primitive yet"),
            Map.entry("Exp", "unary math: no kernel primitive yet"),
            Map.entry("Log", "unary math: no kernel primitive yet"),
            Map.entry("Sqrt", "unary math: no kernel primitive yet"),
            Map.entry("Pow", "unary math: no kernel primitive yet"),
            Map.entry("ErfFunction", "unary math (an ND4J op): no kernel primitive yet"),
            Map.entry("TanhFunction", "unary math: no kernel primitive yet"),
            Map.entry("SigmoidFunction", "unary math: no kernel primitive yet"),
            Map.entry("SoftmaxFunction", "exp of a shifted input: no kernel primitive yet"),
            Map.entry("LeakyReluFunction", "unary math: no kernel primitive yet"),
            Map.entry("Clamp", "elementwise max/min against a scalar: no kernel primitive yet"),
            Map.entry("BceWithLogits", "log/exp of the logits, float64 where it matters"),
            Map.entry("BinaryCrossEntropy", "clamped logs, PyTorch's closed form"),
            Map.entry("Concat", "Nd4j.concat of the parts (a copy, no arithmetic)"),
            Map.entry("Pad", "a zero array the input is copied into (no arithmetic)"),
            Map.entry("MatMul", "zero arrays for empty products"));

    @Test
    void functionsComputeThroughKernelsOrTheListedExceptions() {
        Pattern nd4j = Pattern.compile("\\b(Nd4j|Transforms)\\.\\w+");
        List<String> offenders = new ArrayList<>();
        Set<String> listedButClean = new TreeSet<>(CALLS_ND4J_DIRECTLY.keySet());
        for (Source s : functions()) {
            Matcher m = nd4j.matcher(s.text);
            boolean calls = m.find();
            if (calls && !CALLS_ND4J_DIRECTLY.containsKey(simpleName(s))) {
                offenders.add(s.path + ": " + m.group());
            }
            if (calls) {
                listedButClean.remove(simpleName(s));
            }
        }
        assertThat(offenders).as("Functions calling ND4J directly (use a Kernels primitive, or list the function with a reason)").isEmpty();
        assertThat(listedButClean).as("listed as calling ND4J but no longer do: take them off the list").isEmpty();
    }

    @Test
    void noTwoSourceFilesReferToEachOther() {
        List<String> pairs = new ArrayList<>();
        List<Source> all = sources();
        for (Source a : all) {
            if (!inKernels(a.pkg)) {
                continue; // the seam's files; the autograd core's classes refer to each other by design
            }
            for (Source b : all) {
                if (a.path.equals(b.path) || !inKernels(b.pkg) || a.path.compareTo(b.path) > 0) {
                    continue;
                }
                if (refersTo(a, b) && refersTo(b, a)) {
                    pairs.add(simpleName(a) + " <-> " + simpleName(b));
                }
            }
        }
        assertThat(pairs).as("kernel files that refer to each other").isEmpty();
    }

    /** Whether {@code a}'s code (comments stripped) names {@code b}'s class. */
    private static boolean refersTo(Source a, Source b) {
        String code = a.text.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
        return Pattern.compile("\\b" + simpleName(b) + "\\b").matcher(code).find();
    }

    @Test
    void theOnlyPackageCycleIsTheAutogradCore() {
        Map<String, Set<String>> edges = new TreeMap<>();
        for (Source s : sources()) {
            String from = unit(s.pkg);
            edges.computeIfAbsent(from, k -> new TreeSet<>());
            Matcher m = ADJOINT_REF.matcher(s.text);
            while (m.find()) {
                String to = unit(m.group(1));
                if (!to.equals(from)) {
                    edges.get(from).add(to);
                    edges.computeIfAbsent(to, k -> new TreeSet<>());
                }
            }
        }
        List<Set<String>> cycles = new ArrayList<>();
        for (Set<String> scc : stronglyConnected(edges)) {
            if (scc.size() > 1) {
                cycles.add(scc);
            }
        }
        assertThat(cycles).as("package cycles (edges: " + edges + ")").allSatisfy(c -> assertThat(AUTOGRAD_CORE).containsAll(c));
    }

    /** Packages as the cycle check sees them: the ops families count as their facade's package, the kernels as one. */
    private static String unit(String pkg) {
        if (pkg.startsWith("dev.adjoint.ops.")) {
            return "dev.adjoint.ops";
        }
        return inKernels(pkg) ? "dev.adjoint.kernels" : pkg;
    }

    /** Tarjan's algorithm, iteratively. */
    private static List<Set<String>> stronglyConnected(Map<String, Set<String>> edges) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String start : edges.keySet()) {
            if (index.containsKey(start)) {
                continue;
            }
            Deque<Object[]> work = new ArrayDeque<>();
            work.push(new Object[] {start, new ArrayList<>(edges.get(start)).iterator()});
            index.put(start, counter[0]);
            low.put(start, counter[0]++);
            stack.push(start);
            onStack.add(start);
            while (!work.isEmpty()) {
                Object[] frame = work.peek();
                String v = (String) frame[0];
                @SuppressWarnings("unchecked")
                java.util.Iterator<String> it = (java.util.Iterator<String>) frame[1];
                if (it.hasNext()) {
                    String w = it.next();
                    if (!index.containsKey(w)) {
                        index.put(w, counter[0]);
                        low.put(w, counter[0]++);
                        stack.push(w);
                        onStack.add(w);
                        work.push(new Object[] {w, new ArrayList<>(edges.get(w)).iterator()});
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                } else {
                    work.pop();
                    if (!work.isEmpty()) {
                        String parent = (String) work.peek()[0];
                        low.put(parent, Math.min(low.get(parent), low.get(v)));
                    }
                    if (low.get(v).equals(index.get(v))) {
                        Set<String> scc = new TreeSet<>();
                        String w;
                        do {
                            w = stack.pop();
                            onStack.remove(w);
                            scc.add(w);
                        } while (!w.equals(v));
                        out.add(scc);
                    }
                }
            }
        }
        return out;
    }
}
