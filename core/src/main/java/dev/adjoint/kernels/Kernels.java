package dev.adjoint.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every primitive the differentiable functions need, on plain ND4J arrays, with no autograd: the
 * seam between "what is computed" (a {@code Function}'s forward and backward) and "how fast".
 *
 * <p>Two implementations:
 * <ul>
 *   <li>{@code reference}: {@link dev.adjoint.kernels.reference.ReferenceKernels}, written with ND4J
 *       operations only, on the calling thread: the code to step into in a debugger, and the path
 *       that runs on any ND4J backend;</li>
 *   <li>{@code fast} (the default): {@link dev.adjoint.kernels.cpu.CpuKernels}, hand-tuned Java loops
 *       and OpenBLAS on ND4J's memory, split over threads, with scratch buffers and caches; it hands
 *       anything it has no fast path for to the reference kernels. Used when ND4J's backend is its
 *       native CPU one, else the reference kernels run.</li>
 * </ul>
 *
 * <p>The choice is made once, from the system property {@code adjoint.kernels} ({@code fast} or
 * {@code reference}) by {@link KernelSelection}, which also hands them out ({@code KernelSelection.current()}); tests switch with {@code KernelSelection.use}. A test holds the two to each other on random
 * shapes ({@code KernelEquivalenceTest}).
 *
 * <p>Shapes are validated by the callers (the functions and their geometries); kernels trust them.
 * Results are new arrays unless a method says it works in place.
 */
public interface Kernels {

    /** {@code "reference"} or {@code "fast"}. */
    String name();

    // ---------------------------------------------------------------- the conv family (2-D; 1-D is height 1)

    /**
     * Convolution (cross-correlation, as PyTorch): x {@code [N, C, H, W]}, w {@code [O, C/groups, kh, kw]},
     * b {@code [O]} or null; returns {@code [N, O, oh, ow]}.
     */
    INDArray conv2d(INDArray x, INDArray w, INDArray b, long oh, long ow, ConvParams p);

    /**
     * Transposed convolution (the adjoint of conv2d in x): x {@code [N, Cin, h, w]}, w
     * {@code [Cin, O/groups, kh, kw]}, b {@code [O]} or null; returns {@code [N, O, outH, outW]}.
     */
    INDArray convTranspose2d(INDArray x, INDArray w, INDArray b, long outH, long outW, ConvParams p);

    /**
     * Weight gradient of {@code conv2d(x, w)} for the output gradient gy {@code [N, O, oh, ow]}:
     * {@code gw[o, c, i, j] = sum gy[n, o, y, x] * xpad[n, c, y*sh + i*dh, x*sw + j*dw]}, shape
     * {@code [O, C/groups, kh, kw]}. gy may be smaller than conv2d's natural output; only its windows count.
     */
    INDArray convWeightGrad(INDArray x, INDArray gy, long kh, long kw, ConvParams p);

    // ---------------------------------------------------------------- pooling and indexing

    /** Max over each window (padding never wins), with the flat input index of each maximum; ties go to the first, NaN wins. */
    MaxPoolResult maxPool2d(INDArray x, PoolParams p);

    /** Mean over each window: divided by the window area, or by its in-image part when {@code countIncludePad} is false. */
    INDArray avgPool2d(INDArray x, PoolParams p, boolean countIncludePad);

    /** The adjoint of {@link #avgPool2d}: each gy spread over its window, divided as in the forward. */
    INDArray avgPool2dBackward(INDArray gy, PoolParams p, boolean countIncludePad);

    /** {@code y.flat[i] = x.flat[index[i]]}, shaped {@code outShape}. */
    INDArray gather(INDArray x, int[] index, long[] outShape);

    /** The adjoint of {@link #gather}: {@code y = zeros(outShape); y.flat[index[i]] += x.flat[i]}. */
    INDArray scatterAdd(INDArray x, int[] index, long[] outShape);

    // ---------------------------------------------------------------- elementwise

    /** {@code a op b} with NumPy broadcasting into a new array of {@code shape} (the broadcast shape; same dtypes). */
    INDArray binary(BinaryOp op, INDArray a, INDArray b, long[] shape);

    /** {@code a} broadcast to {@code shape}, as a new contiguous array. */
    INDArray expand(INDArray a, long[] shape);

    /** {@code max(x, 0)}. */
    INDArray relu(INDArray x);

    /** {@code gy} where {@code y > 0}, else 0 (y: ReLU's output). */
    INDArray reluBackward(INDArray gy, INDArray y);

    /** {@code x - log(sum(exp(x)))} along {@code dim} (a valid, non-negative dim), computed stably. */
    INDArray logSoftmax(INDArray x, int dim);

    /** {@code gy - exp(y) * sum(gy)} along {@code dim}, for y the log-softmax output. */
    INDArray logSoftmaxBackward(INDArray gy, INDArray y, int dim);

    // ---------------------------------------------------------------- normalization (per channel: dim 1 of [N, C, ...])

    /**
     * Batch statistics of each channel of x {@code [N, C, ...]} over every dim but 1, accumulated in
     * float64: {@code {mean[C], invStd[C], var[C]}} in x's dtype, with {@code var} the biased variance
     * and {@code invStd = 1 / sqrt(var + eps)}.
     */
    INDArray[] channelStatistics(INDArray x, double eps);

    /** {@code (x - mean[c]) * invStd[c] * w[c] + b[c]}; {@code w} null for 1, {@code b} null for 0. */
    INDArray channelNormalize(INDArray x, INDArray mean, INDArray invStd, INDArray w, INDArray b);

    /**
     * Per channel, over every dim but 1, the two sums of batch normalization's backward:
     * {@code {sum(gy), sum(gy * (x - mean[c]) * invStd[c])}}, {@code [C]} each (the bias and weight
     * gradients), from one pass over gy and x.
     */
    INDArray[] channelGradientSums(INDArray gy, INDArray x, INDArray mean, INDArray invStd);

    /**
     * Batch normalization's input gradient, with {@code xhat = (x - mean) invStd} and M the count per
     * channel: {@code w invStd (gy - sum(gy)/M - xhat sum(gy xhat)/M)} when the statistics were the
     * batch's ({@code batchStatistics}), else {@code w invStd gy}; {@code w} null for 1.
     */
    INDArray batchNormInputGrad(INDArray gy, INDArray x, INDArray mean, INDArray invStd, INDArray w, boolean batchStatistics);

    /**
     * {@link #batchNormInputGrad} with the batch's statistics, given the two per-channel sums it
     * needs, {@code sumGy = sum(gy)} and {@code sumGyXhat = sum(gy xhat)} ({@code [C]} each): the
     * bias and weight gradients, which a BatchNorm with affine parameters computes anyway. One
     * pass over gy and x instead of two.
     */
    INDArray batchNormInputGradFromSums(INDArray gy, INDArray x, INDArray mean, INDArray invStd, INDArray w, INDArray sumGy, INDArray sumGyXhat);

    // ---------------------------------------------------------------- reductions and shape

    /** Sum over {@code dims} (valid, non-negative; empty for none), reshaped to {@code outShape}. */
    INDArray sum(INDArray x, int[] dims, long[] outShape);

    /** Reverses the order of elements along {@code dims} (valid, non-negative). */
    INDArray flip(INDArray x, int[] dims);

    // ---------------------------------------------------------------- linear algebra and in-place updates

    /**
     * Matrix product {@code op(a) @ op(b)}: 2-D by 2-D with optional transposes, {@code [..., m, k] @ [k, n]},
     * or batched {@code [..., m, k] @ [..., k, n]} (transposes for 2-D only).
     */
    INDArray matmul(INDArray a, boolean transA, INDArray b, boolean transB);

    /** In place: {@code y += alpha * x} (same shape and dtype). */
    void axpy(double alpha, INDArray x, INDArray y);

    /** In place: every element of {@code a} becomes {@code value}. */
    void fill(INDArray a, double value);

    /**
     * In place, one SGD step as PyTorch's, with no temporaries: {@code d = grad + weightDecay p};
     * with momentum, {@code buf = momentum buf + (1 - dampening) d} ({@code buf = d} when
     * {@code first}) and {@code d = nesterov ? d + momentum buf : buf}; then {@code p -= lr d}.
     * {@code buf} is null without momentum; {@code grad} is not written.
     */
    void sgdStep(INDArray p, INDArray grad, INDArray buf, double lr, double momentum, double dampening, double weightDecay, boolean nesterov,
                 boolean first);

    /**
     * In place, one Adam step as PyTorch's, with no temporaries, for step number {@code t} (from 1):
     * with {@code decoupled} (AdamW) {@code p *= 1 - lr weightDecay} and {@code g = grad}, else
     * {@code g = grad + weightDecay p}; {@code m = beta1 m + (1 - beta1) g},
     * {@code v = beta2 v + (1 - beta2) g^2}; {@code p -= lr / (1 - beta1^t) m / (sqrt(v / (1 - beta2^t)) + eps)}.
     * {@code grad} is not written.
     */
    void adamStep(INDArray p, INDArray grad, INDArray m, INDArray v, double lr, double beta1, double beta2, double eps, double weightDecay,
                  boolean decoupled, double t);

    // ---------------------------------------------------------------- between Java arrays and ND4J

    /** A new float32 array of {@code shape} holding the first {@code prod(shape)} of {@code values}. */
    INDArray fromFloats(float[] values, long[] shape);

    /** All values, row-major, as doubles. */
    double[] toDoubles(INDArray a);

    /** All values of a float32 array, row-major. */
    float[] toFloats(INDArray a);
}
