package dev.adjoint.optim;

import dev.adjoint.Tensor;
import dev.adjoint.ops.Host;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Stochastic gradient descent as PyTorch's {@code torch.optim.SGD}:
 * {@code g = grad + wd * p}; with momentum {@code buf = momentum * buf + (1 - dampening) * g}
 * (the first step sets {@code buf = g}), then {@code g = g + momentum * buf} (Nesterov) or
 * {@code g = buf}; finally {@code p -= lr * g}.
 */
public final class SGD extends Optimizer {
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final double weightDecay;

    public SGD(List<? extends Tensor> params, double lr, double momentum, double dampening, boolean nesterov, double weightDecay) {
        super(params, lr);
        if (momentum < 0 || weightDecay < 0) {
            throw new IllegalArgumentException("SGD: momentum and weightDecay must be non-negative, got " + momentum + ", " + weightDecay);
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0 and dampening 0");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
    }

    public SGD(List<? extends Tensor> params, double lr, double momentum) {
        this(params, lr, momentum, 0, false, 0);
    }

    public SGD(List<? extends Tensor> params, double lr) {
        this(params, lr, 0);
    }

    @Override
    protected void update(INDArray p, INDArray grad, Map<String, INDArray> state) {
        INDArray buffer = state.get("momentum_buffer");
        if (momentum != 0 && buffer != null && dampening == 0 && !nesterov && weightDecay == 0 && momentumInJava(p, grad, buffer)) {
            return;
        }
        // In place where possible: every temporary is an off-heap allocation.
        INDArray g = weightDecay != 0 ? grad.add(p.mul(weightDecay)) : grad;
        if (momentum != 0) {
            INDArray buf = state.get("momentum_buffer");
            if (buf == null) {
                buf = g.dup();
                state.put("momentum_buffer", buf);
            } else if (dampening == 0) {
                buf.muli(momentum).addi(g);
            } else {
                buf.muli(momentum).addi(g.mul(1 - dampening));
            }
            g = nesterov ? g.add(buf.mul(momentum)) : buf;
        }
        Nd4j.getBlasWrapper().level1().axpy(p.length(), -lr, g, p);
    }

    /**
     * The common case (plain momentum, float32) as one Java loop over the three buffers in place,
     * instead of three ND4J calls per parameter, which for LeNet's small tensors cost more in
     * dispatch than in arithmetic. Same float operations in the same order as the ND4J path.
     */
    private boolean momentumInJava(INDArray p, INDArray grad, INDArray buffer) {
        FloatBuffer pv = Host.floatView(p);
        FloatBuffer gv = Host.floatView(grad);
        FloatBuffer bv = Host.floatView(buffer);
        if (pv == null || gv == null || bv == null) {
            return false;
        }
        float m = (float) momentum;
        float step = (float) lr;
        for (int i = 0, n = (int) p.length(); i < n; i++) {
            float b = bv.get(i) * m + gv.get(i);
            bv.put(i, b);
            pv.put(i, pv.get(i) - step * b);
        }
        return true;
    }

    @Override
    public String toString() {
        return "SGD(lr=" + lr + ", momentum=" + momentum + (dampening != 0 ? ", dampening=" + dampening : "") + (nesterov ? ", nesterov" : "")
                + (weightDecay != 0 ? ", weightDecay=" + weightDecay : "") + ")";
    }
}
