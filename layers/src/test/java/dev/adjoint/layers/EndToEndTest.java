package dev.adjoint.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.data.Batch;
import dev.adjoint.data.DataLoader;
import dev.adjoint.data.TensorDataset;
import dev.adjoint.optim.Adam;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A tiny CNN learns a separable problem (vertical vs horizontal bars in noise) to 100% accuracy. */
class EndToEndTest {
    static TensorDataset bars(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * 64];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(2);
            int pos = 1 + r.nextInt(6);
            for (int j = 0; j < 64; j++) {
                x[i * 64 + j] = (float) (0.2 * r.nextGaussian());
            }
            for (int k = 0; k < 8; k++) {
                int idx = y[i] == 0 ? k * 8 + pos : pos * 8 + k;
                x[i * 64 + idx] += 1;
            }
        }
        return new TensorDataset(x, y, 1, 8, 8);
    }

    @Test
    void tinyCnnReachesFullAccuracy() {
        Init.manualSeed(1);
        Sequential model = new Sequential(new Conv2d(1, 4, 3), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(36, 2));
        Adam opt = new Adam(model.parameters(), 0.02);
        Losses.CrossEntropyLoss loss = new Losses.CrossEntropyLoss();
        DataLoader train = new DataLoader(bars(256, 1), 32, true, 1, false);
        for (int epoch = 0; epoch < 8; epoch++) {
            for (Batch b : train) {
                Tensor l = loss.forward(model.forward(b.inputs()), b.labels());
                opt.zeroGrad();
                l.backward();
                opt.step();
            }
        }
        TensorDataset test = bars(200, 2);
        int correct = 0;
        model.eval();
        try (GradMode.Scope g = GradMode.disabled()) {
            for (Batch b : new DataLoader(test, 100)) {
                double[] logits = model.forward(b.inputs()).toDoubleArray();
                for (int i = 0; i < b.size(); i++) {
                    int pred = logits[2 * i + 1] > logits[2 * i] ? 1 : 0;
                    correct += pred == b.labels()[i] ? 1 : 0;
                }
            }
        }
        assertThat(correct).isEqualTo(200);
    }
}
