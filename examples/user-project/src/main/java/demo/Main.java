package demo;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.layers.Conv2d;
import dev.adjoint.layers.Flatten;
import dev.adjoint.layers.Init;
import dev.adjoint.layers.Linear;
import dev.adjoint.layers.MaxPool2d;
import dev.adjoint.layers.ReLU;
import dev.adjoint.layers.Sequential;
import dev.adjoint.ops.F;
import dev.adjoint.optim.SGD;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The README's LeNet loop on 8 fixed synthetic batches, with no settings: steady ms/step and resident memory. */
public class Main {
    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int report = 500;
        Tensor[] inputs = new Tensor[8];
        int[][] labels = new int[8][64];
        java.util.Random r = new java.util.Random(0);
        for (int i = 0; i < 8; i++) {
            inputs[i] = Tensor.randn(i, DType.FLOAT32, 64, 1, 28, 28);
            for (int j = 0; j < 64; j++) {
                labels[i][j] = r.nextInt(10);
            }
        }
        Init.manualSeed(0);
        Sequential model = new Sequential(
                new Conv2d(1, 6, 5, 1, 2), new ReLU(), new MaxPool2d(2),
                new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2), new Flatten(),
                new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10));
        SGD optimizer = new SGD(model.parameters(), 0.01, 0.9);
        long[] nanos = new long[steps];
        long rssReport = 0;
        for (int step = 0; step < steps; step++) {
            long t0 = System.nanoTime();
            Tensor loss = F.crossEntropy(model.forward(inputs[step % 8]), labels[step % 8]);
            optimizer.zeroGrad();
            loss.backward();
            optimizer.step();
            loss.item();
            nanos[step] = System.nanoTime() - t0;
            if (step + 1 == report) {
                rssReport = rss();
            }
        }
        long[] steady = Arrays.copyOfRange(nanos, report, steps);
        Arrays.sort(steady);
        System.out.printf("steady step: median %.2f ms; resident memory step %d %d MB, step %d %d MB%n", steady[steady.length / 2] / 1e6,
                report, rssReport >> 20, steps, rss() >> 20);
    }

    static long rss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
