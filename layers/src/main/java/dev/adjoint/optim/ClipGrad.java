package dev.adjoint.optim;

import dev.adjoint.Tensor;
import java.util.List;

/** Gradient clipping, as {@code torch.nn.utils.clip_grad_norm_}. */
public final class ClipGrad {
    private ClipGrad() {
    }

    /**
     * Scales the gradients of {@code params} in place so that their joint L2 norm is at most
     * {@code maxNorm}: when the norm exceeds it, every gradient is multiplied by
     * {@code maxNorm / (norm + 1e-6)}, as PyTorch does. Parameters without a gradient are skipped.
     *
     * @return the joint norm before clipping (NaN or infinite when a gradient is)
     */
    public static double clipGradNorm(List<? extends Tensor> params, double maxNorm) {
        if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be finite and non-negative, got " + maxNorm);
        }
        double squares = 0;
        for (Tensor p : params) {
            if (p.grad() != null) {
                for (double g : p.grad().toDoubleArray()) {
                    squares += g * g;
                }
            }
        }
        double norm = Math.sqrt(squares);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            for (Tensor p : params) {
                if (p.grad() != null) {
                    p.grad().data().muli(coef);
                    p.grad().markModified();
                }
            }
        }
        return norm;
    }
}
