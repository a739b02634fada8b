package dev.adjoint.kernels.cpu;

import dev.adjoint.memory.Memory;
import dev.adjoint.kernels.BinaryOp;
import dev.adjoint.kernels.ConvParams;
import dev.adjoint.kernels.MaxPoolResult;
import dev.adjoint.kernels.PoolParams;
import dev.adjoint.kernels.reference.ReferenceKernels;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fast kernels for ND4J's native CPU backend: Java loops the JIT vectorizes, OpenBLAS called
 * on ND4J's memory ({@link Blas}), the batch split between threads ({@link Parallel}), outputs from
 * the memory pool ({@link Memory}), per-thread scratch arrays and cached index maps. Each
 * method takes its fast path when the arrays suit it (dtype, density, size) and otherwise calls the
 * reference kernels it extends, so every case has an answer and the two are tested against each other.
 *
 * <p>docs/ARCHITECTURE.md describes the paths; docs/PERFORMANCE.md has their measurements.
 */
public final class CpuKernels extends ReferenceKernels {

    /**
     * Rows of a matrix product per chunk of {@link Parallel}: a gemm on fewer rows runs below BLAS's
     * efficient block sizes, on more rows shares a product out among fewer threads.
     */
    static final int GEMM_ROWS_PER_CHUNK = 64;

    /**
     * Makes the fast kernels the ones that use the machine's threads. They split their loops
     * themselves ({@link Parallel}, {@code -Dadjoint.threads}), so ND4J's own ops and OpenBLAS are
     * set to the calling thread (through ND4J's own setters): otherwise ND4J's thread pool and
     * OpenBLAS's threads, sized to the machine too, compete with the kernels' threads for the same
     * cores, and their idle threads keep spinning on them after every call.
     */
    public CpuKernels() {
        OpenBlasCore.checkProperty();
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Nd4j.factory().blas().setMaxThreads(1);
    }

    @Override
    public String name() {
        return "fast";
    }

    // ---------------------------------------------------------------- the conv family

    @Override
    public INDArray conv2d(INDArray x, INDArray w, INDArray b, long oh, long ow, ConvParams p) {
        if (Depthwise.suitsConv(x, w, p)) {
            return Depthwise.conv2d(x, w, b, oh, ow, p);
        }
        if (DirectKernels.suits(x, w.length(), p)) {
            return DirectKernels.conv2d(x, w, b, oh, ow, p);
        }
        if (ShiftedConv.suitsConv(x, w, p)) {
            return ShiftedConv.conv2d(x, w, b, oh, ow, p);
        }
        if (SampleKernels.suits(x, p)) {
            return SampleKernels.conv2d(x, w, b, oh, ow, p);
        }
        return BatchedConv.conv2d(x, w, b, oh, ow, p);
    }

    @Override
    public INDArray convTranspose2d(INDArray x, INDArray w, INDArray b, long outH, long outW, ConvParams p) {
        if (Depthwise.suitsTranspose(x, w, p)) {
            return Depthwise.convTranspose2d(x, w, b, outH, outW, p);
        }
        if (ShiftedConv.suitsTranspose(x, w, outH, outW, p)) {
            return ShiftedConv.convTranspose2d(x, w, b, outH, outW, p);
        }
        if (SampleKernels.suitsTransposeAsConv(x, w, p)) {
            return SampleKernels.convTranspose2dAsConv(x, w, b, outH, outW, p);
        }
        if (SampleKernels.suits(x, p)) {
            return SampleKernels.convTranspose2d(x, w, b, outH, outW, p);
        }
        return BatchedConv.convTranspose2d(x, w, b, outH, outW, p);
    }

    @Override
    public INDArray convWeightGrad(INDArray x, INDArray gy, long kh, long kw, ConvParams p) {
        if (Depthwise.suitsWeightGrad(x, gy, p)) {
            return Depthwise.weightGrad(x, gy, kh, kw, p);
        }
        if (ShiftedConv.suitsWeightGrad(x, gy, p, kh, kw)) {
            return ShiftedConv.convWeightGrad(x, gy, kh, kw, p);
        }
        if (SampleKernels.suits(x, p)) {
            return SampleKernels.convWeightGrad(x, gy, kh, kw, p);
        }
        return BatchedConv.convWeightGrad(x, gy, kh, kw, p);
    }

    // ---------------------------------------------------------------- pooling and indexing

    @Override
    public MaxPoolResult maxPool2d(INDArray x, PoolParams p) {
        return Pooling.maxPool2d(x, p);
    }

    @Override
    public INDArray gather(INDArray x, int[] index, long[] outShape) {
        return Pooling.gather(x, index, outShape);
    }

    @Override
    public INDArray scatterAdd(INDArray x, int[] index, long[] outShape) {
        return Pooling.scatterAdd(x, index, outShape);
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public INDArray binary(BinaryOp op, INDArray a, INDArray b, long[] shape) {
        INDArray r = Loops.binary(op, a, b, shape);
        if (r == null) {
            r = Loops.binaryLarge(op, a, b, shape);
        }
        return r != null ? r : super.binary(op, a, b, shape); // ND4J's broadcast into a pooled output
    }

    @Override
    public INDArray expand(INDArray a, long[] shape) {
        INDArray r = Loops.expand(a, shape);
        if (r == null) {
            r = Loops.expandTrailing(a, shape);
        }
        return r != null ? r : super.expand(a, shape);
    }

    @Override
    public INDArray relu(INDArray x) {
        INDArray r = Loops.relu(x);
        if (r == null) {
            r = Loops.reluLarge(x);
        }
        if (r != null) {
            return r;
        }
        INDArray y = Memory.allocate(x.dataType(), x.shape());
        Nd4j.getExecutioner().exec(new RectifiedLinear(x, y)); // ND4J's vectorised loop for large arrays
        return y;
    }

    @Override
    public INDArray reluBackward(INDArray gy, INDArray y) {
        INDArray r = Loops.reluBackward(gy, y);
        return r != null ? r : super.reluBackward(gy, y);
    }

    @Override
    public INDArray logSoftmax(INDArray x, int dim) {
        return dim == x.rank() - 1 && x.length() > 0 ? Loops.logSoftmaxRows(x) : super.logSoftmax(x, dim);
    }

    @Override
    public INDArray logSoftmaxBackward(INDArray gy, INDArray y, int dim) {
        return dim == y.rank() - 1 && y.length() > 0 ? Loops.logSoftmaxBackwardRows(gy, y) : super.logSoftmaxBackward(gy, y, dim);
    }

    // ---------------------------------------------------------------- normalization

    @Override
    public INDArray[] channelStatistics(INDArray x, double eps) {
        INDArray[] r = Norms.statistics(x, eps);
        return r != null ? r : super.channelStatistics(x, eps);
    }

    @Override
    public INDArray channelNormalize(INDArray x, INDArray mean, INDArray invStd, INDArray w, INDArray b) {
        INDArray r = Norms.normalize(x, mean, invStd, w, b);
        return r != null ? r : super.channelNormalize(x, mean, invStd, w, b);
    }

    @Override
    public INDArray[] channelGradientSums(INDArray gy, INDArray x, INDArray mean, INDArray invStd) {
        INDArray[] r = Norms.gradientSums(gy, x, mean, invStd);
        return r != null ? r : super.channelGradientSums(gy, x, mean, invStd);
    }

    @Override
    public INDArray batchNormInputGrad(INDArray gy, INDArray x, INDArray mean, INDArray invStd, INDArray w, boolean batchStatistics) {
        INDArray r = Norms.inputGrad(gy, x, mean, invStd, w, batchStatistics);
        return r != null ? r : super.batchNormInputGrad(gy, x, mean, invStd, w, batchStatistics);
    }

    @Override
    public INDArray batchNormInputGradFromSums(INDArray gy, INDArray x, INDArray mean, INDArray invStd, INDArray w, INDArray sumGy,
            INDArray sumGyXhat) {
        INDArray r = Norms.inputGradFromSums(gy, x, mean, invStd, w, sumGy, sumGyXhat);
        return r != null ? r : super.batchNormInputGradFromSums(gy, x, mean, invStd, w, sumGy, sumGyXhat);
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public INDArray sum(INDArray x, int[] dims, long[] outShape) {
        INDArray r = Loops.sum(x, dims, outShape);
        return r != null ? r : super.sum(x, dims, outShape);
    }

    // ---------------------------------------------------------------- linear algebra and in-place updates

    @Override
    public INDArray matmul(INDArray a, boolean transA, INDArray b, boolean transB) {
        if (a.rank() != 2 || b.rank() != 2 || a.dataType() != DataType.FLOAT || !Host.isDense(a) || !Host.isDense(b)) {
            return super.matmul(a, transA, b, transB);
        }
        long m = transA ? a.size(1) : a.size(0);
        long n = transB ? b.size(0) : b.size(1);
        long k = transA ? a.size(0) : a.size(1);
        INDArray out = Memory.allocate(DataType.FLOAT, m, n);
        // OpenBLAS directly (ND4J's gemm costs an op dispatch and leaves native garbage per call), by
        // blocks of rows of the result on the kernels' threads; BLAS itself runs on one thread
        FloatPointer ap = Blas.pointer(a);
        FloatPointer bp = Blas.pointer(b);
        FloatPointer cp = Blas.pointer(out);
        int lda = (int) a.size(1);
        int ldb = (int) b.size(1);
        int rowChunk = m * n * k < (1L << 20) ? (int) m : GEMM_ROWS_PER_CHUNK; // small products: one call
        Parallel.forEach((int) m, Math.max(1, rowChunk), (chunk, from, to) -> {
            long aAt = transA ? from : (long) from * lda; // op(A)'s rows: A's rows, or A's columns when transposed
            Blas.sgemm(transA, transB, to - from, (int) n, (int) k, 1f, ap, aAt, lda, bp, 0, ldb, 0f, cp, (long) from * n, (int) n);
        });
        return out;
    }

    @Override
    public void axpy(double alpha, INDArray x, INDArray y) {
        if (y.dataType() == DataType.FLOAT && x.dataType() == DataType.FLOAT && Host.isDense(x) && Host.isDense(y)
                && x.length() == y.length() && y.length() <= Integer.MAX_VALUE) {
            // BLAS calls instead of an ND4J op: no op context, no native garbage per parameter per step;
            // an activation-sized gradient (the engine adding a second gradient in place) split over the threads
            FloatPointer xp = Blas.pointer(x);
            FloatPointer yp = Blas.pointer(y);
            Parallel.forEach((int) y.length(), Host.SMALL, (chunk, from, to) -> Blas.saxpy(to - from, (float) alpha, xp, from, yp, from));
            Host.keepUntilHere(x, y);
        } else {
            super.axpy(alpha, x, y);
        }
    }

    @Override
    public void fill(INDArray a, double value) {
        Host.fill(a, value);
    }

    @Override
    public void adamStep(INDArray p, INDArray grad, INDArray m, INDArray v, double lr, double beta1, double beta2, double eps, double weightDecay,
                         boolean decoupled, double t) {
        if (!Loops.adamStep(p, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, t)) {
            super.adamStep(p, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, t);
        }
    }

    @Override
    public void sgdStep(INDArray p, INDArray grad, INDArray buf, double lr, double momentum, double dampening, double weightDecay, boolean nesterov,
                        boolean first) {
        if (!Loops.sgdStep(p, grad, buf, lr, momentum, dampening, weightDecay, nesterov, first)) {
            super.sgdStep(p, grad, buf, lr, momentum, dampening, weightDecay, nesterov, first);
        }
    }

    // ---------------------------------------------------------------- between Java arrays and ND4J

    @Override
    public INDArray fromFloats(float[] values, long[] shape) {
        return Host.arrayFrom(values, shape);
    }

    @Override
    public double[] toDoubles(INDArray a) {
        return Host.doubles(a);
    }

    @Override
    public float[] toFloats(INDArray a) {
        return Host.floats(a);
    }

    @Override
    public String toString() {
        return "CpuKernels(" + Parallel.threads() + " threads, OpenBLAS kernels " + OpenBlasCore.describe() + ")";
    }
}
