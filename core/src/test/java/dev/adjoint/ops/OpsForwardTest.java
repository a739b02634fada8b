package dev.adjoint.ops;

import static dev.adjoint.TensorAssertions.assertValues;
import static dev.adjoint.TensorAssertions.f64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import org.junit.jupiter.api.Test;

/** Forward values of every op against results worked out by hand. */
class OpsForwardTest {
    private final Tensor a = f64(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    private final Tensor row = f64(new double[] {10, 20, 30}, 3);
    private final Tensor col = f64(new double[] {100, 200}, 2, 1);

    @Test
    void arithmeticBroadcasts() {
        assertValues(a.add(row), new long[] {2, 3}, new double[] {11, 22, 33, 14, 25, 36}, 0);
        assertValues(row.add(a), new long[] {2, 3}, new double[] {11, 22, 33, 14, 25, 36}, 0);
        assertValues(a.sub(col), new long[] {2, 3}, new double[] {-99, -98, -97, -196, -195, -194}, 0);
        assertValues(col.sub(a), new long[] {2, 3}, new double[] {99, 98, 97, 196, 195, 194}, 0);
        assertValues(row.mul(col), new long[] {2, 3}, new double[] {1000, 2000, 3000, 2000, 4000, 6000}, 0);
        assertValues(row.div(col), new long[] {2, 3}, new double[] {0.1, 0.2, 0.3, 0.05, 0.1, 0.15}, 1e-15);
        assertValues(a.mul(2).add(1).neg(), new long[] {2, 3}, new double[] {-3, -5, -7, -9, -11, -13}, 0);
        assertValues(f64(new double[] {1, 2}, 2).add(f64(new double[] {5}, new long[0])), new long[] {2}, new double[] {6, 7}, 0);
    }

    @Test
    void unaryMath() {
        Tensor x = f64(new double[] {-2, -0.5, 0.25, 3}, 4);
        assertValues(x.abs(), new long[] {4}, new double[] {2, 0.5, 0.25, 3}, 0);
        assertValues(x.pow(2), new long[] {4}, new double[] {4, 0.25, 0.0625, 9}, 1e-15);
        assertValues(x.exp(), new long[] {4}, new double[] {Math.exp(-2), Math.exp(-0.5), Math.exp(0.25), Math.exp(3)}, 1e-12);
        assertValues(x.abs().log(), new long[] {4}, new double[] {Math.log(2), Math.log(0.5), Math.log(0.25), Math.log(3)}, 1e-12);
        assertValues(x.abs().sqrt(), new long[] {4}, new double[] {Math.sqrt(2), Math.sqrt(0.5), 0.5, Math.sqrt(3)}, 1e-12);
        assertValues(x.clamp(-1, 1), new long[] {4}, new double[] {-1, -0.5, 0.25, 1}, 0);
        assertValues(x.relu(), new long[] {4}, new double[] {0, 0, 0.25, 3}, 0);
        assertValues(F.leakyRelu(x, 0.1), new long[] {4}, new double[] {-0.2, -0.05, 0.25, 3}, 1e-15);
        assertValues(x.sigmoid(), new long[] {4}, new double[] {1 / (1 + Math.exp(2)), 1 / (1 + Math.exp(0.5)), 1 / (1 + Math.exp(-0.25)),
            1 / (1 + Math.exp(-3))}, 1e-12);
        assertValues(x.tanh(), new long[] {4}, new double[] {Math.tanh(-2), Math.tanh(-0.5), Math.tanh(0.25), Math.tanh(3)}, 1e-12);
    }

    @Test
    void softmaxAndLogSoftmaxAreStableForHugeLogits() {
        Tensor x = f64(new double[] {1000, 1001, 1002, -5, 0, 5}, 2, 3);
        double e0 = Math.exp(-2);
        double e1 = Math.exp(-1);
        double s = e0 + e1 + 1;
        double[] expected = {e0 / s, e1 / s, 1 / s, Math.exp(-10) / (Math.exp(-10) + Math.exp(-5) + 1),
            Math.exp(-5) / (Math.exp(-10) + Math.exp(-5) + 1), 1 / (Math.exp(-10) + Math.exp(-5) + 1)};
        assertValues(x.softmax(1), new long[] {2, 3}, expected, 1e-12);
        double[] logs = new double[6];
        for (int i = 0; i < 6; i++) {
            logs[i] = Math.log(expected[i]);
        }
        assertValues(x.logSoftmax(1), new long[] {2, 3}, logs, 1e-12);
        assertValues(x.softmax(0).sum(new int[] {0}, false), new long[] {3}, new double[] {1, 1, 1}, 1e-12);
    }

    @Test
    void matmulTwoDimensionalBatchedAndShared() {
        Tensor b = f64(new double[] {1, 0, 0, 1, 1, 1}, 3, 2);
        assertValues(a.matmul(b), new long[] {2, 2}, new double[] {4, 5, 10, 11}, 0);
        Tensor batch = F.stack(0, a, a.mul(2));
        assertValues(batch.matmul(b), new long[] {2, 2, 2}, new double[] {4, 5, 10, 11, 8, 10, 20, 22}, 0);
        Tensor bb = F.stack(0, b, b.mul(-1));
        assertValues(batch.matmul(bb), new long[] {2, 2, 2}, new double[] {4, 5, 10, 11, -8, -10, -20, -22}, 0);
        assertValues(F.matmul(a, true, a, false), new long[] {3, 3}, new double[] {17, 22, 27, 22, 29, 36, 27, 36, 45}, 0);
        assertValues(F.matmul(a, false, a, true), new long[] {2, 2}, new double[] {14, 32, 32, 77}, 0);
        Tensor w = f64(new double[] {1, 1, 1, 0, 1, 0}, 2, 3);
        Tensor bias = f64(new double[] {0.5, -0.5}, 2);
        assertValues(F.linear(a, w, bias), new long[] {2, 2}, new double[] {6.5, 1.5, 15.5, 4.5}, 0);
    }

    @Test
    void reductions() {
        assertThat(a.sum().item()).isEqualTo(21);
        assertThat(a.sum().shape()).isEmpty();
        assertValues(a.sum(new int[] {0}, false), new long[] {3}, new double[] {5, 7, 9}, 0);
        assertValues(a.sum(new int[] {1}, true), new long[] {2, 1}, new double[] {6, 15}, 0);
        assertValues(a.sum(new int[] {-1, 0}, false), new long[0], new double[] {21}, 0);
        assertThat(a.mean().item()).isCloseTo(3.5, within(1e-15));
        assertValues(a.mean(new int[] {1}, false), new long[] {2}, new double[] {2, 5}, 1e-15);
        assertThat(a.max().item()).isEqualTo(6);
        assertValues(a.max(new int[] {0}, true), new long[] {1, 3}, new double[] {4, 5, 6}, 0);
    }

    @Test
    void shapeOps() {
        assertValues(a.reshape(3, -1), new long[] {3, 2}, new double[] {1, 2, 3, 4, 5, 6}, 0);
        assertValues(a.t(), new long[] {3, 2}, new double[] {1, 4, 2, 5, 3, 6}, 0);
        Tensor c = Tensor.arange(DType.FLOAT64, 0, 24, 1).reshape(2, 3, 4);
        Tensor p = c.permute(2, 0, 1);
        assertThat(p.shape()).containsExactly(4, 2, 3);
        assertThat(p.toDoubleArray()[1]).isEqualTo(4); // p[0,0,1] = c[0,1,0]
        assertThat(c.flatten(1).shape()).containsExactly(2, 12);
        assertThat(a.unsqueeze(0).shape()).containsExactly(1, 2, 3);
        assertThat(a.unsqueeze(-1).shape()).containsExactly(2, 3, 1);
        assertThat(a.unsqueeze(1).squeeze(1).shape()).containsExactly(2, 3);
        assertValues(a.narrow(1, 1, 2), new long[] {2, 2}, new double[] {2, 3, 5, 6}, 0);
        assertValues(F.slice(a, 0, 1, 2), new long[] {1, 3}, new double[] {4, 5, 6}, 0);
        assertValues(F.concat(0, a, row.unsqueeze(0)), new long[] {3, 3}, new double[] {1, 2, 3, 4, 5, 6, 10, 20, 30}, 0);
        assertValues(F.concat(1, a, col), new long[] {2, 4}, new double[] {1, 2, 3, 100, 4, 5, 6, 200}, 0);
        assertValues(F.stack(1, row, row.mul(2)), new long[] {3, 2}, new double[] {10, 20, 20, 40, 30, 60}, 0);
        assertValues(F.pad(row.unsqueeze(0), new long[] {0, 1}, new long[] {0, 2}, -1), new long[] {1, 6},
                new double[] {-1, 10, 20, 30, -1, -1}, 0);
        assertValues(F.pad(a, new long[] {0, -1}, new long[] {1, 0}, 0), new long[] {3, 2}, new double[] {2, 3, 5, 6, 0, 0}, 0);
        assertValues(col.expand(2, 3), new long[] {2, 3}, new double[] {100, 100, 100, 200, 200, 200}, 0);
        assertValues(row.expand(2, 3), new long[] {2, 3}, new double[] {10, 20, 30, 10, 20, 30}, 0);
        assertValues(F.flip(a, 1), new long[] {2, 3}, new double[] {3, 2, 1, 6, 5, 4}, 0);
    }

    @Test
    void lossesMatchTheirDefinitions() {
        Tensor logits = f64(new double[] {2, 0, -1, 0, 0, 3}, 2, 3);
        double l0 = -2 + Math.log(Math.exp(2) + 1 + Math.exp(-1));
        double l1 = -3 + Math.log(2 + Math.exp(3));
        assertThat(F.crossEntropy(logits, new int[] {0, 2}).item()).isCloseTo((l0 + l1) / 2, within(1e-12));
        Tensor x = f64(new double[] {1, 2, 3}, 3);
        Tensor t = f64(new double[] {0, 2, 5}, 3);
        assertThat(F.mseLoss(x, t).item()).isCloseTo((1 + 0 + 4) / 3.0, within(1e-15));
        assertThat(F.l1Loss(x, t).item()).isCloseTo((1 + 0 + 2) / 3.0, within(1e-15));
        Tensor z = f64(new double[] {-800, 0, 800}, 3);
        Tensor y = f64(new double[] {1, 1, 0}, 3);
        assertThat(F.binaryCrossEntropyWithLogits(z, y).item()).isCloseTo((800 + Math.log(2) + 800) / 3, within(1e-9));
    }

    @Test
    void factoriesAndPrinting() {
        assertThat(Tensor.zeros(2, 3).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(Tensor.ones(DType.FLOAT64, 2).toDoubleArray()).containsExactly(1, 1);
        assertThat(Tensor.arange(4).toDoubleArray()).containsExactly(0, 1, 2, 3);
        assertThat(Tensor.rand(7, DType.FLOAT64, 3).toDoubleArray()).containsExactly(Tensor.rand(7, DType.FLOAT64, 3).toDoubleArray());
        Tensor big = Tensor.zeros(1000, 1000).requiresGrad(true);
        Tensor y = big.mul(2);
        assertThat(y.toString()).startsWith("Tensor[1000, 1000] float32 grad_fn=Mul#").contains("999994 more").hasSizeLessThan(200);
        assertThat(big.toString()).contains("leaf requires_grad");
    }

    @Test
    void sumAndMeanAlongOneDim() {
        Tensor x = Tensor.of(DType.FLOAT64, new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertThat(x.mean(1).toDoubleArray()).containsExactly(2, 5);
        assertThat(x.mean(0, true).shape()).containsExactly(1, 3);
        assertThat(x.mean(0, true).toDoubleArray()).containsExactly(2.5, 3.5, 4.5);
        assertThat(x.sum(1, true).shape()).containsExactly(2, 1);
        assertThat(x.sum(-1).toDoubleArray()).containsExactly(6, 15);
    }
}
