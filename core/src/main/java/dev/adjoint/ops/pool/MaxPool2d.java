package dev.adjoint.ops.pool;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.kernels.Arena;
import dev.adjoint.kernels.MaxPoolResult;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * 2-D max pooling (padding counts as minus infinity). Forward remembers, for each output, the
 * flat position of the maximum; backward scatters gy to those positions ({@link IndexScatter}).
 * Ties go to the first maximum in the window, and a NaN wins, as in PyTorch.
 */
public final class MaxPool2d extends Function {
    private final PoolGeometry g;
    private int[] argmax;
    /** The arena that lent {@link #argmax} (pooled memory), or null when it is a plain array. */
    private Arena lender;

    public MaxPool2d(PoolGeometry geometry) {
        this.g = geometry;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        MaxPoolResult r = kernels().maxPool2d(in[0].data(), g.params());
        argmax = r.argmax();
        lender = Arena.ownerOf(argmax);
        return r.values();
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        checkLive(label(), lender);
        return new Tensor[] {new IndexScatter(argmax, g.inputShape(), lender).apply(gy)};
    }

    /**
     * Refuses positions whose pooled memory was given back: a later step has written its own argmax
     * into that array, and scattering by it would give a wrong gradient without any error.
     */
    static void checkLive(String who, Arena lender) {
        if (lender != null && lender.isClosed()) {
            throw new IllegalStateException(who + ": its argmax has been released: it lived in the pooled memory of " + lender
                    + ", which later steps reuse. Run backward before the second optimizer.step() after the forward pass ends"
                    + " (that is when its step's memory is given back), or before its explicit Arena closes.");
        }
    }

    @Override
    public String args() {
        return g.describe();
    }

    @Override
    public String gradientFormula(int i) {
        return "scatter gy to each window's argmax";
    }
}
