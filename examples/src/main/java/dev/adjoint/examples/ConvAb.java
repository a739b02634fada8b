package dev.adjoint.examples;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Two builds of adjoint-core's kernels alternated in one JVM, on one training step's convolutions of
 * ResNet-20 at batch 128: ms per call of each layer's forward, input gradient and weight gradient.
 *
 * <p>Why: on a shared VM two runs of the same jar differ by 10-30%, more than most kernel changes
 * gain; calls alternated in one process see the same machine state. Each build's classes come from
 * its own directory ({@code core/target/classes} of two checkouts) through a class loader that
 * looks there first, so the two share ND4J and nothing of adjoint.
 */
final class ConvAb {
    private ConvAb() {
    }

    /** One ResNet-20 convolution: channels in and out, input size, kernel, stride, calls a step, whether its input gradient is computed. */
    private record Layer(int c, int o, int h, int k, int s, int count, boolean inputGrad) {
        int pad() {
            return k / 2;
        }

        int out() {
            return (h + 2 * pad() - k) / s + 1;
        }
    }

    private static final List<Layer> RESNET20 = List.of(new Layer(3, 16, 32, 3, 1, 1, false), new Layer(16, 16, 32, 3, 1, 6, true),
            new Layer(16, 32, 32, 3, 2, 1, true), new Layer(16, 32, 32, 1, 2, 1, true), new Layer(32, 32, 16, 3, 1, 5, true),
            new Layer(32, 64, 16, 3, 2, 1, true), new Layer(32, 64, 16, 1, 2, 1, true), new Layer(64, 64, 8, 3, 1, 5, true));

    /** One build's kernels, reached by reflection: its classes are not the ones this class was compiled against. */
    private static final class Build {
        final String name;
        final Object kernels;
        final Method conv;
        final Method convTranspose;
        final Method weightGrad;
        final Method release;
        final Constructor<?> params;

        Build(String dir) throws ReflectiveOperationException, java.io.IOException {
            Path classes = Path.of(dir);
            if (!Files.isDirectory(classes.resolve("dev/adjoint/kernels"))) {
                throw new Options.Invalid("conv-ab: " + dir + " holds no adjoint-core classes (expected a core/target/classes directory)");
            }
            name = dir;
            ClassLoader loader = new ClassesFirst(classes.toUri().toURL(), ConvAb.class.getClassLoader());
            Class<?> k = loader.loadClass("dev.adjoint.kernels.cpu.CpuKernels");
            Class<?> p = loader.loadClass("dev.adjoint.kernels.ConvParams");
            kernels = k.getConstructor().newInstance();
            params = p.getConstructor(int.class, int.class, int.class, int.class, int.class, int.class, int.class, int.class, int.class);
            conv = k.getMethod("conv2d", INDArray.class, INDArray.class, INDArray.class, long.class, long.class, p);
            convTranspose = k.getMethod("convTranspose2d", INDArray.class, INDArray.class, INDArray.class, long.class, long.class, p);
            weightGrad = k.getMethod("convWeightGrad", INDArray.class, INDArray.class, long.class, long.class, p);
            release = loader.loadClass("dev.adjoint.memory.Memory").getMethod("release", INDArray.class);
        }

        /** ms of one call: 0 forward, 1 input gradient, 2 weight gradient. */
        double time(int direction, Layer l, INDArray[] data) throws ReflectiveOperationException {
            int op = l.s() - 1; // the input gradient's output padding: the input size back from a strided output
            Object p = params.newInstance(l.s(), l.s(), l.pad(), l.pad(), 1, 1, op, op, 1);
            long start = System.nanoTime();
            Object y = switch (direction) {
                case 0 -> conv.invoke(kernels, data[0], data[1], null, (long) l.out(), (long) l.out(), p);
                case 1 -> convTranspose.invoke(kernels, data[2], data[1], null, (long) l.h(), (long) l.h(), p);
                default -> weightGrad.invoke(kernels, data[0], data[2], (long) l.k(), (long) l.k(), p);
            };
            double ms = (System.nanoTime() - start) / 1e6;
            release.invoke(null, y); // back to that build's pool
            return ms;
        }
    }

    /** Loads adjoint's classes from its directory before asking the parent (which may hold another build of them). */
    private static final class ClassesFirst extends URLClassLoader {
        ClassesFirst(URL classes, ClassLoader parent) {
            super(new URL[] {classes}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("dev.adjoint.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = new Options("conv-ab", "ResNet-20's convolutions of one step at batch 128, two builds alternated in one JVM: median ms per call.")
                .option("a", "", "build A: a directory of adjoint-core classes (core/target/classes of one checkout)")
                .option("b", "", "build B: the same of another checkout")
                .intOption("rounds", "20", 5, "rounds; each times every call of both builds, A and B in turn first; the first 4 are not counted");
        if (!o.parse(args)) {
            return;
        }
        if (o.get("a").isEmpty() || o.get("b").isEmpty()) {
            throw new Options.Invalid("conv-ab: give --a and --b, two directories of adjoint-core classes");
        }
        Build[] builds = {new Build(o.get("a")), new Build(o.get("b"))};
        int rounds = o.getInt("rounds");
        List<INDArray[]> data = new ArrayList<>();
        for (Layer l : RESNET20) {
            data.add(new INDArray[] {Nd4j.rand(DataType.FLOAT, 128, l.c(), l.h(), l.h()), Nd4j.rand(DataType.FLOAT, l.o(), l.c(), l.k(), l.k()),
                Nd4j.rand(DataType.FLOAT, 128, l.o(), l.out(), l.out())});
        }
        // times[build][layer * 3 + direction][round]: the mean over the layer's calls in that round
        double[][][] times = new double[2][RESNET20.size() * 3][rounds];
        double[][] steps = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int turn = 0; turn < 2; turn++) {
                int b = r % 2 == 0 ? turn : 1 - turn;
                for (int i = 0; i < RESNET20.size(); i++) {
                    Layer l = RESNET20.get(i);
                    for (int direction = 0; direction < 3; direction++) {
                        if (direction == 1 && !l.inputGrad()) {
                            continue;
                        }
                        double sum = 0;
                        for (int call = 0; call < l.count(); call++) {
                            sum += builds[b].time(direction, l, data.get(i));
                        }
                        times[b][i * 3 + direction][r] = sum / l.count();
                        steps[b][r] += sum;
                    }
                }
            }
        }
        for (int b = 0; b < 2; b++) {
            System.out.printf("%s %s: one step's convolutions, median %.1f ms%n", b == 0 ? "A" : "B", builds[b].name, median(steps[b]));
        }
        System.out.println("ms per call, A / B:");
        for (int i = 0; i < RESNET20.size(); i++) {
            Layer l = RESNET20.get(i);
            StringBuilder line = new StringBuilder(String.format("%3d->%-3d %dx%d stride %d at %2dx%-2d x%d:", l.c(), l.o(), l.k(), l.k(), l.s(), l.h(), l.h(), l.count()));
            String[] names = {"forward", "input grad", "weight grad"};
            for (int direction = 0; direction < 3; direction++) {
                if (direction == 1 && !l.inputGrad()) {
                    continue;
                }
                line.append(String.format("  %s %.2f / %.2f", names[direction], median(times[0][i * 3 + direction]), median(times[1][i * 3 + direction])));
            }
            System.out.println(line);
        }
    }

    private static double median(double[] rounds) {
        double[] counted = Arrays.copyOfRange(rounds, Math.min(4, rounds.length - 1), rounds.length);
        Arrays.sort(counted);
        return counted[counted.length / 2];
    }
}
