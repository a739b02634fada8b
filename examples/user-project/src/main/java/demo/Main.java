package demo;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.data.Batch;
import dev.adjoint.data.DataLoader;
import dev.adjoint.data.Mnist;
import dev.adjoint.io.Checkpoints;
import dev.adjoint.layers.AdaptiveAvgPool2d;
import dev.adjoint.layers.BatchNorm2d;
import dev.adjoint.layers.Conv2d;
import dev.adjoint.layers.Init;
import dev.adjoint.layers.Linear;
import dev.adjoint.layers.Module;
import dev.adjoint.metrics.Metrics;
import dev.adjoint.ops.F;
import dev.adjoint.optim.CosineAnnealingLR;
import dev.adjoint.optim.SGD;
import java.nio.file.Path;

/** A small residual network on MNIST: mvn -q compile exec:java [-Dexec.args="DATA_DIR MAX_STEPS"] */
public class Main {
    /** ResNet's basic block: its layers are fields, registered under their names (conv1.weight, bn1.running_mean, ...). */
    static class Block extends Module {
        final Conv2d conv1 = new Conv2d(16, 16, 3, 1, 1, 1, 1, false);
        final BatchNorm2d bn1 = new BatchNorm2d(16);
        final Conv2d conv2 = new Conv2d(16, 16, 3, 1, 1, 1, 1, false);
        final BatchNorm2d bn2 = new BatchNorm2d(16);

        @Override
        public Tensor forward(Tensor x) {
            Tensor y = bn1.forward(conv1.forward(x)).relu();
            return bn2.forward(conv2.forward(y)).add(x).relu();
        }
    }

    static class Net extends Module {
        final Conv2d stem = new Conv2d(1, 16, 3, 2, 1, 1, 1, false);   // 28x28 -> 14x14
        final BatchNorm2d bn = new BatchNorm2d(16);
        final Block block1 = new Block();
        final Block block2 = new Block();
        final AdaptiveAvgPool2d pool = new AdaptiveAvgPool2d(1);
        final Linear fc = new Linear(16, 10);

        @Override
        public Tensor forward(Tensor x) {
            x = block2.forward(block1.forward(bn.forward(stem.forward(x)).relu()));
            return fc.forward(pool.forward(x).flatten(1));
        }
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "data/mnist");   // the four IDX files (or .gz)
        int maxSteps = args.length > 1 ? Integer.parseInt(args[1]) : Integer.MAX_VALUE;
        Init.manualSeed(0);
        Net model = new Net();
        DataLoader train = new DataLoader(Mnist.train(data), 64, true, 0, false);
        DataLoader test = new DataLoader(Mnist.test(data), 500);
        SGD optimizer = new SGD(model.parameters(), 0.05, 0.9);
        int steps = (int) Math.min(train.batches(), maxSteps);
        CosineAnnealingLR scheduler = new CosineAnnealingLR(optimizer, steps);   // lr 0.05 -> 0 over the epoch

        model.train();
        int step = 0;
        for (Batch batch : train) {
            Tensor loss = F.crossEntropy(model.forward(batch.inputs()), batch.labels());
            optimizer.zeroGrad();
            loss.backward();
            optimizer.step();
            scheduler.step();
            if (++step % 100 == 0 || step == steps) {
                System.out.printf("step %d/%d: loss %.4f, lr %.4f%n", step, steps, loss.item(), scheduler.lastLr());
            }
            if (step == steps) {
                break;
            }
        }

        model.eval();   // BatchNorm uses its running statistics
        int correct = 0;
        int seen = 0;
        try (var noGrad = GradMode.disabled()) {
            for (Batch batch : test) {
                correct += Metrics.correct(model.forward(batch.inputs()), batch.labels());
                seen += batch.size();
            }
        }
        System.out.printf("test accuracy %.4f%n", (double) correct / seen);
        Checkpoints.save(model, Path.of("my-net.safetensors"));   // PyTorch's load_state_dict(strict=True) takes it
    }
}
