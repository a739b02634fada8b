package dev.adjoint.ops;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.ops.activation.LeakyReluFunction;
import dev.adjoint.ops.activation.LogSoftmaxFunction;
import dev.adjoint.ops.activation.ReluFunction;
import dev.adjoint.ops.activation.SigmoidFunction;
import dev.adjoint.ops.activation.SoftmaxFunction;
import dev.adjoint.ops.activation.TanhFunction;
import dev.adjoint.ops.elementwise.Abs;
import dev.adjoint.ops.elementwise.Add;
import dev.adjoint.ops.elementwise.Clamp;
import dev.adjoint.ops.elementwise.Div;
import dev.adjoint.ops.elementwise.Exp;
import dev.adjoint.ops.elementwise.Log;
import dev.adjoint.ops.elementwise.Mul;
import dev.adjoint.ops.elementwise.Neg;
import dev.adjoint.ops.elementwise.Pow;
import dev.adjoint.ops.elementwise.Sqrt;
import dev.adjoint.ops.elementwise.Sub;
import dev.adjoint.ops.linalg.MatMul;
import dev.adjoint.ops.loss.NllLoss;
import dev.adjoint.ops.reduce.Expand;
import dev.adjoint.ops.reduce.Max;
import dev.adjoint.ops.reduce.Sum;
import dev.adjoint.ops.reduce.SumTo;
import dev.adjoint.ops.shape.Concat;
import dev.adjoint.ops.shape.Pad;
import dev.adjoint.ops.shape.Permute;
import dev.adjoint.ops.shape.Reshape;
import dev.adjoint.ops.shape.Slice;
import dev.adjoint.ops.conv.ConvGeometry;
import dev.adjoint.ops.conv.ConvNd;
import dev.adjoint.ops.conv.ConvTransposeExplained;
import dev.adjoint.ops.conv.ConvTransposeNd;
import dev.adjoint.ops.shape.Flip;
import dev.adjoint.ops.pool.AvgPool2dFunction;
import dev.adjoint.ops.pool.MaxPool2dFunction;
import dev.adjoint.ops.pool.PoolGeometry;
import dev.adjoint.autograd.GradMode;
import java.util.Arrays;

/**
 * The functional facade, as {@code torch.nn.functional}: every differentiable op of adjoint is
 * reachable from here. Each method creates one {@link dev.adjoint.autograd.Function} and applies
 * it; the Function's class holds the forward and backward side by side.
 */
public final class F {
    private F() {
    }

    // ---------------------------------------------------------------- elementwise

    /** {@code a + b}, broadcasting. */
    public static Tensor add(Tensor a, Tensor b) {
        return new Add().apply(a, b);
    }

    public static Tensor add(Tensor a, double c) {
        return add(a, Tensor.scalar(c, a.dtype()));
    }

    /** {@code a - b}, broadcasting. */
    public static Tensor sub(Tensor a, Tensor b) {
        return new Sub().apply(a, b);
    }

    public static Tensor sub(Tensor a, double c) {
        return sub(a, Tensor.scalar(c, a.dtype()));
    }

    /** {@code a * b} elementwise, broadcasting. */
    public static Tensor mul(Tensor a, Tensor b) {
        return new Mul().apply(a, b);
    }

    public static Tensor mul(Tensor a, double c) {
        return mul(a, Tensor.scalar(c, a.dtype()));
    }

    /** {@code a / b} elementwise, broadcasting. */
    public static Tensor div(Tensor a, Tensor b) {
        return new Div().apply(a, b);
    }

    public static Tensor div(Tensor a, double c) {
        return div(a, Tensor.scalar(c, a.dtype()));
    }

    public static Tensor neg(Tensor x) {
        return new Neg().apply(x);
    }

    /** {@code x ^ exponent} for a constant exponent. */
    public static Tensor pow(Tensor x, double exponent) {
        return new Pow(exponent).apply(x);
    }

    public static Tensor exp(Tensor x) {
        return new Exp().apply(x);
    }

    public static Tensor log(Tensor x) {
        return new Log().apply(x);
    }

    public static Tensor sqrt(Tensor x) {
        return new Sqrt().apply(x);
    }

    public static Tensor abs(Tensor x) {
        return new Abs().apply(x);
    }

    /** Limits values to {@code [min, max]}; use infinities for a one-sided clamp. */
    public static Tensor clamp(Tensor x, double min, double max) {
        return new Clamp(min, max).apply(x);
    }

    // ---------------------------------------------------------------- activations

    public static Tensor relu(Tensor x) {
        return new ReluFunction().apply(x);
    }

    public static Tensor leakyRelu(Tensor x, double negativeSlope) {
        return new LeakyReluFunction(negativeSlope).apply(x);
    }

    public static Tensor sigmoid(Tensor x) {
        return new SigmoidFunction().apply(x);
    }

    public static Tensor tanh(Tensor x) {
        return new TanhFunction().apply(x);
    }

    /** The error function, elementwise. */
    public static Tensor erf(Tensor x) {
        return new dev.adjoint.ops.elementwise.ErfFunction().apply(x);
    }

    /** GELU in its exact form, as PyTorch's default: {@code x * Phi(x) = x/2 * (1 + erf(x / sqrt 2))}. */
    public static Tensor gelu(Tensor x) {
        return mul(mul(x, 0.5), add(erf(mul(x, 1 / Math.sqrt(2))), 1));
    }

    /** SiLU (swish): {@code x * sigmoid(x)}. */
    public static Tensor silu(Tensor x) {
        return mul(x, sigmoid(x));
    }

    public static Tensor softmax(Tensor x, int dim) {
        return new SoftmaxFunction(dim).apply(x);
    }

    /** Numerically stable {@code log(softmax(x))}. */
    public static Tensor logSoftmax(Tensor x, int dim) {
        return new LogSoftmaxFunction(dim).apply(x);
    }

    // ---------------------------------------------------------------- linear algebra

    /** {@code op(a) @ op(b)} for 2-D tensors, {@code op} transposing when its flag is set (no copy is made). */
    public static Tensor matmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB) {
        return new MatMul(transposeA, transposeB).apply(a, b);
    }

    /** Matrix product: [m,k]@[k,n], batched [...,m,k]@[...,k,n], or [...,m,k]@[k,n]. */
    /**
     * The matrix product as {@code torch.matmul}: 1-D by 1-D is the dot product (0-d); a 1-D first
     * operand is a row {@code [1, k]} and a 1-D second a column {@code [k, 1]}, the added dim removed
     * again; otherwise {@code [..., m, k] @ [..., k, n]} with the batch dims broadcast against each
     * other ({@code [1, m, k] @ [B, k, n]}, {@code [m, k] @ [B, k, n]}).
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.dim() == 0 || b.dim() == 0) {
            throw new IllegalArgumentException("matmul: both operands need at least one dim, got " + Shapes.str(a.shape()) + " and "
                    + Shapes.str(b.shape()));
        }
        if (a.dim() == 1 || b.dim() == 1) {
            Tensor a2 = a.dim() == 1 ? reshape(a, 1, a.size(0)) : a;
            Tensor b2 = b.dim() == 1 ? reshape(b, b.size(0), 1) : b;
            Tensor y = matmul(a2, b2);
            if (a.dim() == 1) { // the row dim first: [..., 1, n] -> [..., n]
                y = squeeze(y, -2);
            }
            if (b.dim() == 1) {
                y = squeeze(y, -1);
            }
            return y;
        }
        if (b.dim() == 2 || (a.dim() == b.dim() && Arrays.equals(Arrays.copyOf(a.shape(), a.dim() - 2), Arrays.copyOf(b.shape(), b.dim() - 2)))) {
            return new MatMul().apply(a, b); // [..., m, k] @ [k, n], or equal batch dims: no broadcast needed
        }
        long[] batchA = Arrays.copyOf(a.shape(), a.dim() - 2);
        long[] batchB = Arrays.copyOf(b.shape(), b.dim() - 2);
        long[] batch = Shapes.broadcast("matmul", batchA, batchB);
        return new MatMul().apply(expand(a, concatShape(batch, a.size(-2), a.size(-1))), expand(b, concatShape(batch, b.size(-2), b.size(-1))));
    }

    private static long[] concatShape(long[] batch, long rows, long cols) {
        long[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = rows;
        s[batch.length + 1] = cols;
        return s;
    }

    /** {@code x @ w^T + b} with PyTorch's weight layout {@code [out, in]}; {@code b} may be null. */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) {
        if (w.dim() != 2 || x.dim() < 1 || x.size(-1) != w.size(1)) {
            throw new IllegalArgumentException("linear: input " + Shapes.str(x.shape()) + " does not fit weight " + Shapes.str(w.shape())
                    + " (need input [..., " + (w.dim() == 2 ? w.size(1) : "in") + "] and weight [out, in])");
        }
        if (b != null && (b.dim() != 1 || b.size(0) != w.size(0))) {
            throw new IllegalArgumentException("linear: bias " + Shapes.str(b.shape()) + " does not match weight " + Shapes.str(w.shape()));
        }
        // x @ w^T through gemm's transpose flag: no copy of the weight
        Tensor y = x.dim() == 2 ? new MatMul(false, true).apply(x, w) : matmul(x, w.t());
        return b == null ? y : add(y, b);
    }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements, a scalar. */
    public static Tensor sum(Tensor x) {
        return new Sum(new int[0], false).apply(x);
    }

    /** Sum over the given dims (negative counts from the end); no dims sums all of them, as {@code torch.sum(x, dim=[])}. */
    public static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        checkDimsOfScalar("sum", x, dims);
        return new Sum(dims, keepDim).apply(x);
    }

    /** A 0-d tensor takes the dims -1 and 0, as if it had one dim (PyTorch's rule). */
    private static void checkDimsOfScalar(String op, Tensor x, int... dims) {
        if (x.dim() != 0) {
            return;
        }
        for (int d : dims) {
            if (d != 0 && d != -1) {
                throw new IllegalArgumentException(op + ": dimension " + d + " is out of range for a 0-d tensor (expected -1 or 0)");
            }
        }
    }

    public static Tensor mean(Tensor x) {
        if (x.numel() == 0) {
            throw new IllegalArgumentException("mean: the input " + Shapes.str(x.shape()) + " is empty");
        }
        return div(sum(x), x.numel());
    }

    /** Mean over the given dims; no dims means all of them, as {@code torch.mean(x, dim=[])}. */
    public static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        if (x.dim() == 0) {
            checkDimsOfScalar("mean", x, dims);
            return sum(x, dims, keepDim);
        }
        long count = 1;
        for (int d : Shapes.dims("mean", dims, x.dim())) {
            count *= x.shape()[d];
        }
        if (count == 0) {
            throw new IllegalArgumentException("mean: the dims " + Arrays.toString(dims) + " of " + Shapes.str(x.shape()) + " are empty");
        }
        return div(sum(x, dims, keepDim), count);
    }

    /** Maximum of all elements. */
    public static Tensor max(Tensor x) {
        return new Max(new int[0], false).apply(x);
    }

    public static Tensor max(Tensor x, int[] dims, boolean keepDim) {
        if (dims.length == 0) {
            throw new IllegalArgumentException("max: no dims given; use max(x) for the maximum of all elements");
        }
        return new Max(dims, keepDim).apply(x);
    }

    /**
     * The maximum along {@code dim} and where it is, as PyTorch's {@code torch.max(x, dim)}: the
     * values' gradient goes to the returned index only (the first of tied maxima; a NaN wins).
     */
    public static ValuesAndIndices max(Tensor x, int dim, boolean keepDim) {
        return Indexing.topk("max", x, 1, dim, keepDim);
    }

    /** The index of the maximum along {@code dim} (the first of ties; a NaN wins), as {@code torch.argmax}; not differentiable. */
    public static Tensor argmax(Tensor x, int dim, boolean keepDim) {
        return Indexing.topk("argmax", x, 1, dim, keepDim).indices();
    }

    /** The flat index of the maximum of all elements, a 0-d tensor. */
    public static Tensor argmax(Tensor x) {
        return argmax(reshape(x.detach(), -1), 0, false);
    }

    /**
     * The {@code k} largest values along {@code dim} and their indices, largest first, as
     * {@code torch.topk(x, k, dim)}; ties keep the lower index first (PyTorch leaves their order
     * unspecified). The values' gradient goes to the picked positions.
     */
    public static ValuesAndIndices topk(Tensor x, int k, int dim) {
        return Indexing.topk("topk", x, k, dim, true);
    }

    /** {@code a == b} elementwise with broadcasting: 1 or 0 in a's dtype, not differentiable, as {@code torch.eq}. */
    public static Tensor eq(Tensor a, Tensor b) {
        return Indexing.compare("eq", a, b, (x, y) -> x == y ? 1 : 0);
    }

    /** {@code a != b}; NaN differs from everything, itself included. */
    public static Tensor ne(Tensor a, Tensor b) {
        return Indexing.compare("ne", a, b, (x, y) -> x != y ? 1 : 0);
    }

    /** {@code a < b}. */
    public static Tensor lt(Tensor a, Tensor b) {
        return Indexing.compare("lt", a, b, (x, y) -> x < y ? 1 : 0);
    }

    /** {@code a <= b}. */
    public static Tensor le(Tensor a, Tensor b) {
        return Indexing.compare("le", a, b, (x, y) -> x <= y ? 1 : 0);
    }

    /** {@code a > b}. */
    public static Tensor gt(Tensor a, Tensor b) {
        return Indexing.compare("gt", a, b, (x, y) -> x > y ? 1 : 0);
    }

    /** {@code a >= b}. */
    public static Tensor ge(Tensor a, Tensor b) {
        return Indexing.compare("ge", a, b, (x, y) -> x >= y ? 1 : 0);
    }

    /** Sums a broadcast result back to {@code shape}; returns {@code x} itself when it already has it. */
    public static Tensor sumTo(Tensor x, long[] shape) {
        if (Arrays.equals(x.shape(), shape)) {
            return x;
        }
        return new SumTo(shape).apply(x);
    }

    // ---------------------------------------------------------------- shape

    /** Repeats size-1 dims up to {@code shape} (PyTorch's expand / broadcast_to). */
    /** x broadcast to {@code shape}, as {@code x.expand(*shape)}: an entry of -1 keeps x's size in that (trailing-aligned) dim. */
    public static Tensor expand(Tensor x, long... shape) {
        long[] target = shape.clone();
        int offset = target.length - x.dim();
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1) {
                if (i < offset) {
                    throw new IllegalArgumentException("expand: -1 is not allowed for the new leading dim " + i + " of " + Arrays.toString(shape));
                }
                target[i] = x.shape()[i - offset];
            }
        }
        if (Arrays.equals(x.shape(), target)) {
            return x;
        }
        return new Expand(target).apply(x);
    }

    public static Tensor broadcastTo(Tensor x, long... shape) {
        return expand(x, shape);
    }

    /** Same values in a new shape; one size may be -1. */
    public static Tensor reshape(Tensor x, long... shape) {
        if (Arrays.equals(x.shape(), shape)) {
            return x;
        }
        return new Reshape(shape).apply(x);
    }

    public static Tensor view(Tensor x, long... shape) {
        return reshape(x, shape);
    }

    /** Merges dims {@code startDim..} into one: {@code [N, C, H, W] -> [N, C*H*W]} for startDim 1. */
    /** Dims {@code startDim} to {@code endDim} (inclusive, negative from the end) merged into one, as {@code torch.flatten(x, start, end)}. */
    public static Tensor flatten(Tensor x, int startDim, int endDim) {
        if (x.dim() == 0) {
            return reshape(x, 1);
        }
        int a = Shapes.dim("flatten", startDim, x.dim());
        int b = Shapes.dim("flatten", endDim, x.dim());
        if (a > b) {
            throw new IllegalArgumentException("flatten: startDim " + startDim + " comes after endDim " + endDim + " for " + Shapes.str(x.shape()));
        }
        long[] shape = new long[x.dim() - (b - a)];
        long merged = 1;
        for (int i = a; i <= b; i++) {
            merged *= x.shape()[i];
        }
        for (int i = 0, j = 0; i < x.dim(); i++) {
            if (i < a || i > b) {
                shape[j++] = x.shape()[i];
            } else if (i == a) {
                shape[j++] = merged;
            }
        }
        return reshape(x, shape);
    }

    public static Tensor flatten(Tensor x, int startDim) {
        int s = Shapes.dim("flatten", startDim, Math.max(1, x.dim()));
        long[] shape = new long[s + 1];
        System.arraycopy(x.shape(), 0, shape, 0, s);
        shape[s] = -1;
        return reshape(x, shape);
    }

    public static Tensor permute(Tensor x, int... dims) {
        return new Permute(dims).apply(x);
    }

    /** Swaps two dims (a 0-d tensor takes dims -1 and 0, and stays as it is). */
    public static Tensor transpose(Tensor x, int dim0, int dim1) {
        if (x.dim() == 0) {
            checkDimsOfScalar("transpose", x, dim0, dim1);
            return reshape(x);
        }
        int r = x.dim();
        int a = Shapes.dim("transpose", dim0, r);
        int b = Shapes.dim("transpose", dim1, r);
        int[] dims = new int[r];
        for (int i = 0; i < r; i++) {
            dims[i] = i;
        }
        dims[a] = b;
        dims[b] = a;
        return permute(x, dims);
    }

    /** Removes dim {@code dim} when its size is 1, and returns x as it is otherwise (as {@code torch.squeeze(x, dim)}). */
    public static Tensor squeeze(Tensor x, int dim) {
        if (x.dim() == 0) {
            checkDimsOfScalar("squeeze", x, dim);
            return reshape(x);
        }
        int d = Shapes.dim("squeeze", dim, x.dim());
        if (x.shape()[d] != 1) {
            return reshape(x, x.shape());
        }
        long[] s = new long[x.dim() - 1];
        for (int i = 0, j = 0; i < x.dim(); i++) {
            if (i != d) {
                s[j++] = x.shape()[i];
            }
        }
        return reshape(x, s);
    }

    /** Inserts a size-1 dim at {@code dim} (0..rank). */
    public static Tensor unsqueeze(Tensor x, int dim) {
        int d = Shapes.dim("unsqueeze", dim, x.dim() + 1);
        long[] s = new long[x.dim() + 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            s[i] = i == d ? 1 : x.shape()[j++];
        }
        return reshape(x, s);
    }

    /** Joins tensors along an existing dim. */
    public static Tensor concat(int dim, Tensor... xs) {
        return new Concat(dim).apply(xs);
    }

    /** {@code torch.cat(tensors, dim)}: the tensors joined along an existing dim, in PyTorch's argument order. */
    public static Tensor cat(java.util.List<Tensor> xs, int dim) {
        return concat(dim, xs.toArray(new Tensor[0]));
    }

    /**
     * {@code torch.split(x, size, dim)}: pieces of {@code size} along dim, the last smaller when size
     * does not divide; each piece is a differentiable slice.
     */
    public static java.util.List<Tensor> split(Tensor x, long size, int dim) {
        if (size < 1) {
            throw new IllegalArgumentException("split: size " + size + " must be positive");
        }
        long total = x.shape()[Shapes.dim("split", dim, x.dim())];
        java.util.List<Tensor> out = new java.util.ArrayList<>();
        for (long at = 0; at < total; at += size) {
            out.add(narrow(x, dim, at, Math.min(size, total - at)));
        }
        return out;
    }

    /** {@code torch.split(x, sizes, dim)} with a list of sizes, which must add up to the dim's size. */
    public static java.util.List<Tensor> split(Tensor x, long[] sizes, int dim) {
        long total = x.shape()[Shapes.dim("split", dim, x.dim())];
        long sum = 0;
        for (long s : sizes) {
            if (s < 1) {
                throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " must be positive");
            }
            sum += s;
        }
        if (sum != total) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + sum + ", but dim " + dim + " of "
                    + Shapes.str(x.shape()) + " has " + total);
        }
        java.util.List<Tensor> out = new java.util.ArrayList<>();
        long at = 0;
        for (long s : sizes) {
            out.add(narrow(x, dim, at, s));
            at += s;
        }
        return out;
    }

    /** {@code torch.chunk(x, chunks, dim)}: {@code ceil(size / chunks)} elements per piece, so there may be fewer pieces than asked. */
    public static java.util.List<Tensor> chunk(Tensor x, int chunks, int dim) {
        if (chunks < 1) {
            throw new IllegalArgumentException("chunk: chunks " + chunks + " must be positive");
        }
        long total = x.shape()[Shapes.dim("chunk", dim, x.dim())];
        return split(x, Math.max(1, (total + chunks - 1) / chunks), dim);
    }

    /**
     * {@code x.masked_fill(mask, value)}: {@code value} where mask (broadcast to x's shape) is nonzero,
     * x elsewhere; the gradient reaches x where the mask is 0. Written as {@code x (1 - m) + value m}.
     */
    public static Tensor maskedFill(Tensor x, Tensor mask, double value) {
        Tensor m = ne(mask, Tensor.scalar(0, mask.dtype()));
        if (m.dtype() != x.dtype()) {
            m = new Tensor(m.data().castTo(x.dtype().nd4j()));
        }
        m = expand(m, Shapes.broadcast("maskedFill", x.shape(), m.shape()));
        if (!Arrays.equals(m.shape(), x.shape())) {
            throw new IllegalArgumentException("maskedFill: mask " + Shapes.str(mask.shape()) + " would grow x " + Shapes.str(x.shape()));
        }
        Tensor keep = sub(Tensor.scalar(1, x.dtype()), m);
        if (Double.isInfinite(value)) { // value * m would be NaN where the mask is 0
            return maskWithInfinity(x, m, keep, value);
        }
        return add(mul(x, keep), mul(m, value));
    }

    private static Tensor maskWithInfinity(Tensor x, Tensor m, Tensor keep, double value) {
        // where m = 1: x * 0 + inf; where m = 0: x * 1 + 0 (a log-mask of -inf, as attention masks use)
        double[] mv = m.toDoubleArray();
        double[] add = new double[mv.length];
        for (int i = 0; i < mv.length; i++) {
            add[i] = mv[i] != 0 ? value : 0;
        }
        return add(mul(x, keep), Tensor.of(x.dtype(), add, x.shape()));
    }

    /** Joins tensors of equal shape along a new dim. */
    public static Tensor stack(int dim, Tensor... xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("stack: no tensors given");
        }
        int d = Shapes.dim("stack", dim, xs[0].dim() + 1);
        Tensor[] us = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            if (!Arrays.equals(xs[i].shape(), xs[0].shape())) {
                throw new IllegalArgumentException("stack: tensor " + i + " has shape " + Shapes.str(xs[i].shape())
                        + " but tensor 0 has " + Shapes.str(xs[0].shape()));
            }
            us[i] = unsqueeze(xs[i], d);
        }
        return concat(d, us);
    }

    /** Elements {@code [start, start + length)} of one dim; a negative start counts from the end, as {@code torch.narrow}. */
    public static Tensor narrow(Tensor x, int dim, long start, long length) {
        int d = Shapes.dim("narrow", dim, x.dim());
        long size = x.shape()[d];
        if (start < -size || start > size) {
            throw new IllegalArgumentException("narrow: start " + start + " is out of range for dim " + dim + " of size " + size + " in "
                    + Shapes.str(x.shape()));
        }
        start = start < 0 ? start + size : start;
        long[] starts = new long[x.dim()];
        long[] lengths = x.shape();
        starts[d] = start;
        lengths[d] = length;
        return new Slice(starts, lengths).apply(x);
    }

    /**
     * Elements {@code [start, end)} of one dim, as Python's {@code x[..., start:end]}: negative
     * bounds count from the end, and bounds beyond the dim are clipped to it.
     */
    public static Tensor slice(Tensor x, int dim, long start, long end) {
        long size = x.shape()[Shapes.dim("slice", dim, x.dim())];
        long from = Math.min(size, Math.max(0, start < 0 ? start + size : start));
        long to = Math.min(size, Math.max(0, end < 0 ? end + size : end));
        if (to <= from) {
            throw new IllegalArgumentException("slice: [" + start + ":" + end + "] of dim " + dim + " of " + Shapes.str(x.shape())
                    + " is empty (adjoint has no empty slices)");
        }
        return narrow(x, dim, from, to - from);
    }

    /**
     * Pads with a constant; {@code before[i]}/{@code after[i]} per dim. Negative amounts crop
     * (as PyTorch's {@code F.pad}).
     */
    public static Tensor pad(Tensor x, long[] before, long[] after, double value) {
        if (before.length != x.dim() || after.length != x.dim()) {
            throw new IllegalArgumentException("pad: amounts " + Arrays.toString(before) + " / " + Arrays.toString(after)
                    + " must have one entry per dim of " + Shapes.str(x.shape()));
        }
        long[] cropStart = new long[x.dim()];
        long[] cropLength = x.shape();
        long[] padBefore = new long[x.dim()];
        long[] padAfter = new long[x.dim()];
        boolean crop = false;
        boolean padding = false;
        for (int i = 0; i < x.dim(); i++) {
            if (before[i] < 0) {
                cropStart[i] = -before[i];
                cropLength[i] += before[i];
                crop = true;
            } else {
                padBefore[i] = before[i];
                padding |= before[i] > 0;
            }
            if (after[i] < 0) {
                cropLength[i] += after[i];
                crop = true;
            } else {
                padAfter[i] = after[i];
                padding |= after[i] > 0;
            }
            if (cropLength[i] < 0) {
                throw new IllegalArgumentException("pad: cropping " + (-before[i]) + " and " + (-after[i]) + " from dim " + i
                        + " of " + Shapes.str(x.shape()) + " leaves a negative size");
            }
        }
        Tensor y = crop ? new Slice(cropStart, cropLength).apply(x) : x;
        return padding ? new Pad(padBefore, padAfter, value).apply(y) : y;
    }

    /** Reverses the order of elements along the given dims; a dim named twice is an error, as in PyTorch. */
    public static Tensor flip(Tensor x, int... dims) {
        boolean[] seen = new boolean[Math.max(1, x.dim())];
        for (int dim : dims) {
            int d = Shapes.dim("flip", dim, x.dim());
            if (seen[d]) {
                throw new IllegalArgumentException("flip: dim " + d + " appears more than once in dims " + Arrays.toString(dims));
            }
            seen[d] = true;
        }
        return new Flip(dims).apply(x);
    }

    // ---------------------------------------------------------------- convolution

    /**
     * 2-D convolution (cross-correlation) with PyTorch's semantics: x {@code [N, C_in, H, W]},
     * w {@code [C_out, C_in/groups, kH, kW]}, b {@code [C_out]} or null. Its input gradient is
     * {@link #convTranspose2d}: see {@link ConvNd}.
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] dilation, int groups) {
        ConvGeometry.checkInputRank("conv2d", x.shape(), 2);
        checkSameDtype("conv2d", x, w, b);
        ConvGeometry g = ConvGeometry.conv("conv2d", x.shape(), w.shape(), b == null ? null : b.shape(), stride, padding, dilation, groups);
        return new ConvNd(g).apply(x, w, b);
    }

    /** {@code conv2d} with the same stride and padding in both dims, no dilation, one group. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, int stride, int padding) {
        return conv2d(x, w, b, new int[] {stride, stride}, new int[] {padding, padding}, new int[] {1, 1}, 1);
    }

    /** 1-D convolution: x {@code [N, C_in, L]}, w {@code [C_out, C_in/groups, k]}. */
    public static Tensor conv1d(Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] dilation, int groups) {
        ConvGeometry.checkInputRank("conv1d", x.shape(), 1);
        checkSameDtype("conv1d", x, w, b);
        ConvGeometry g = ConvGeometry.conv("conv1d", x.shape(), w.shape(), b == null ? null : b.shape(), stride, padding, dilation, groups);
        return new ConvNd(g).apply(x, w, b);
    }

    public static Tensor conv1d(Tensor x, Tensor w, Tensor b, int stride, int padding) {
        return conv1d(x, w, b, new int[] {stride}, new int[] {padding}, new int[] {1}, 1);
    }

    /**
     * 2-D transposed convolution with PyTorch's semantics: x {@code [N, C_in, H, W]},
     * w {@code [C_in, C_out/groups, kH, kW]}; output size per dim
     * {@code (in - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1}.
     * Its input gradient is {@link #conv2d}: see {@link ConvTransposeNd}.
     */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] outputPadding, int[] dilation,
                                         int groups) {
        ConvGeometry.checkInputRank("convTranspose2d", x.shape(), 2);
        checkSameDtype("convTranspose2d", x, w, b);
        ConvGeometry g = ConvGeometry.convTranspose("convTranspose2d", x.shape(), w.shape(), b == null ? null : b.shape(), stride, padding,
                outputPadding, dilation, groups);
        return new ConvTransposeNd(g).apply(x, w, b);
    }

    /** {@code convTranspose2d} with the same stride, padding and output padding in both dims. */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor b, int stride, int padding, int outputPadding) {
        return convTranspose2d(x, w, b, new int[] {stride, stride}, new int[] {padding, padding}, new int[] {outputPadding, outputPadding},
                new int[] {1, 1}, 1);
    }

    /** 1-D transposed convolution: x {@code [N, C_in, L]}, w {@code [C_in, C_out/groups, k]}. */
    public static Tensor convTranspose1d(Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] outputPadding, int[] dilation,
                                         int groups) {
        ConvGeometry.checkInputRank("convTranspose1d", x.shape(), 1);
        checkSameDtype("convTranspose1d", x, w, b);
        ConvGeometry g = ConvGeometry.convTranspose("convTranspose1d", x.shape(), w.shape(), b == null ? null : b.shape(), stride, padding,
                outputPadding, dilation, groups);
        return new ConvTransposeNd(g).apply(x, w, b);
    }

    public static Tensor convTranspose1d(Tensor x, Tensor w, Tensor b, int stride, int padding, int outputPadding) {
        return convTranspose1d(x, w, b, new int[] {stride}, new int[] {padding}, new int[] {outputPadding}, new int[] {1}, 1);
    }

    /**
     * The same transposed convolution computed the explained way (zero insertion, padding,
     * flipped kernel, stride-1 convolution): see {@link ConvTransposeExplained}. Works for 1-D and 2-D.
     */
    public static Tensor convTransposeExplained(Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] outputPadding,
                                                int[] dilation, int groups) {
        return ConvTransposeExplained.compute(x, w, b, stride, padding, outputPadding, dilation, groups);
    }

    // ---------------------------------------------------------------- pooling and normalisation

    /** 2-D max pooling, x {@code [N, C, H, W]}; padding counts as minus infinity. */
    public static Tensor maxPool2d(Tensor x, int[] kernelSize, int[] stride, int[] padding) {
        return new MaxPool2dFunction(PoolGeometry.of("maxPool2d", x.shape(), kernelSize, stride, padding)).apply(x);
    }

    /** Square window, stride equal to the window, no padding: {@code maxPool2d(x, 2)} halves H and W. */
    public static Tensor maxPool2d(Tensor x, int kernelSize) {
        return maxPool2d(x, new int[] {kernelSize, kernelSize}, new int[] {kernelSize, kernelSize}, new int[] {0, 0});
    }

    /** 2-D average pooling; {@code countIncludePad} false divides by the number of in-image elements only. */
    public static Tensor avgPool2d(Tensor x, int[] kernelSize, int[] stride, int[] padding, boolean countIncludePad) {
        return new AvgPool2dFunction(PoolGeometry.of("avgPool2d", x.shape(), kernelSize, stride, padding), countIncludePad).apply(x);
    }

    public static Tensor avgPool2d(Tensor x, int kernelSize) {
        return avgPool2d(x, new int[] {kernelSize, kernelSize}, new int[] {kernelSize, kernelSize}, new int[] {0, 0}, true);
    }

    /**
     * Batch normalisation over {@code [N, C, H, W]} per channel. In training, normalises with the
     * batch mean and biased variance and updates the running statistics in place (with the
     * unbiased variance, as PyTorch); otherwise normalises with the running statistics. One
     * function ({@code ops.norm.BatchNorm}) with a closed-form backward, itself differentiable.
     *
     * @param runningMean {@code [C]} or null; runningVar likewise
     * @param weight gamma {@code [C]} or null; bias beta {@code [C]} or null
     */
    public static Tensor batchNorm2d(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias, boolean training,
                                     double momentum, double eps) {
        if (x.dim() != 4) {
            throw new IllegalArgumentException("batchNorm2d: input x must be 4-D [N, C, H, W], got " + Shapes.str(x.shape()));
        }
        long c = x.size(1);
        for (Tensor t : new Tensor[] {runningMean, runningVar, weight, bias}) {
            if (t != null && (t.dim() != 1 || t.size(0) != c)) {
                throw new IllegalArgumentException("batchNorm2d: per-channel tensor " + Shapes.str(t.shape()) + " must be [" + c + "] for x "
                        + Shapes.str(x.shape()));
            }
            if (t != null && t.dtype() != x.dtype()) {
                throw new IllegalArgumentException("batchNorm2d: dtypes differ: x " + x.dtype() + " " + Shapes.str(x.shape())
                        + ", per-channel tensor " + t.dtype() + " " + Shapes.str(t.shape()) + "; convert one of them first");
            }
        }
        if (training) {
            long count = x.numel() / c;
            if (count < 2) {
                throw new IllegalArgumentException("batchNorm2d: training needs more than one value per channel, x is " + Shapes.str(x.shape()));
            }
            dev.adjoint.ops.norm.BatchNorm bn = dev.adjoint.ops.norm.BatchNorm.withBatchStatistics(eps);
            Tensor y = bn.apply(x, weight, bias);
            if (runningMean != null && runningVar != null) { // last: nothing is updated when the op above threw
                try (GradMode.Scope g = GradMode.disabled()) {
                    runningMean.data().muli(1 - momentum).addi(bn.mean().mul(momentum));
                    runningVar.data().muli(1 - momentum).addi(bn.variance().mul(momentum * count / (count - 1.0)));
                }
                runningMean.markModified();
                runningVar.markModified();
            }
            return y;
        }
        if (runningMean == null || runningVar == null) {
            throw new IllegalArgumentException("batchNorm2d: evaluation mode needs running mean and variance");
        }
        org.nd4j.linalg.api.ndarray.INDArray invStd;
        try (GradMode.Scope g = GradMode.disabled()) {
            invStd = runningVar.detach().add(eps).pow(-0.5).data();
        }
        return dev.adjoint.ops.norm.BatchNorm.withStatistics(runningMean.data().dup(), invStd).apply(x, weight, bias);
    }

    /**
     * Group normalization of x {@code [N, C, ...]}, as {@code F.group_norm}: the channels of each
     * sample split into {@code groups}, each group normalized by its own mean and biased variance,
     * then {@code y * w + b} per channel ({@code w}, {@code b} {@code [C]} or null). The normalization
     * is {@code BatchNorm}'s on the regrouped view {@code [1, N * groups, rest]} (one statistic per
     * group of a sample), so it is one function with a closed-form backward.
     */
    public static Tensor groupNorm(Tensor x, int groups, Tensor w, Tensor b, double eps) {
        if (x.dim() < 2 || groups < 1 || x.size(1) % groups != 0) {
            throw new IllegalArgumentException("groupNorm: input x must be [N, C, ...] with C divisible by groups=" + groups + ", got "
                    + Shapes.str(x.shape()));
        }
        long c = x.size(1);
        checkPerChannel("groupNorm", x, w, new long[] {c});
        checkPerChannel("groupNorm", x, b, new long[] {c});
        long n = x.size(0);
        if (x.numel() / Math.max(1, n * groups) < 1) {
            throw new IllegalArgumentException("groupNorm: input x " + Shapes.str(x.shape()) + " is empty");
        }
        Tensor grouped = reshape(x, 1, n * groups, -1);
        Tensor y = reshape(dev.adjoint.ops.norm.BatchNorm.withBatchStatistics(eps).apply(grouped, null, null), x.shape());
        long[] perChannel = new long[x.dim()];
        java.util.Arrays.fill(perChannel, 1);
        perChannel[1] = c;
        if (w != null) {
            y = mul(y, reshape(w, perChannel));
        }
        return b == null ? y : add(y, reshape(b, perChannel));
    }

    /**
     * Layer normalization over the trailing {@code normalizedShape} of x, as {@code F.layer_norm}:
     * each leading index normalized by its own mean and biased variance, then {@code y * w + b}
     * elementwise ({@code w}, {@code b} shaped {@code normalizedShape}, or null). The normalization
     * is {@code BatchNorm}'s on the view {@code [1, rows, normalized]}.
     */
    public static Tensor layerNorm(Tensor x, long[] normalizedShape, Tensor w, Tensor b, double eps) {
        long[] s = x.shape();
        int k = normalizedShape.length;
        if (k == 0 || s.length < k || !java.util.Arrays.equals(java.util.Arrays.copyOfRange(s, s.length - k, s.length), normalizedShape)) {
            throw new IllegalArgumentException("layerNorm: input x " + Shapes.str(s) + " does not end with the normalized shape "
                    + Shapes.str(normalizedShape));
        }
        checkPerChannel("layerNorm", x, w, normalizedShape);
        checkPerChannel("layerNorm", x, b, normalizedShape);
        long inner = Shapes.numel(normalizedShape);
        if (inner == 0 || x.numel() == 0) {
            throw new IllegalArgumentException("layerNorm: input x " + Shapes.str(s) + " is empty");
        }
        Tensor rows = reshape(x, 1, x.numel() / inner, inner);
        Tensor y = reshape(dev.adjoint.ops.norm.BatchNorm.withBatchStatistics(eps).apply(rows, null, null), s);
        if (w != null) {
            y = mul(y, w);
        }
        return b == null ? y : add(y, b);
    }

    /** An affine parameter must have the given shape and x's dtype. */
    private static void checkPerChannel(String op, Tensor x, Tensor t, long[] shape) {
        if (t == null) {
            return;
        }
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(op + ": weight/bias " + Shapes.str(t.shape()) + " must be " + Shapes.str(shape) + " for x "
                    + Shapes.str(x.shape()));
        }
        if (t.dtype() != x.dtype()) {
            throw new IllegalArgumentException(op + ": dtypes differ: x " + x.dtype() + ", weight/bias " + t.dtype() + "; convert one of them first");
        }
    }

    /**
     * Adaptive average pooling to {@code [oh, ow]}, as {@code F.adaptive_avg_pool2d}: output cell
     * {@code (i, j)} averages rows {@code floor(i h / oh)} to {@code ceil((i + 1) h / oh)} (exclusive) and
     * the columns likewise, so the cells may overlap when the size does not divide. Built from
     * {@code narrow}, {@code mean} and {@code concat}; {@code [1, 1]} is one mean.
     */
    public static Tensor adaptiveAvgPool2d(Tensor x, int oh, int ow) {
        if (x.dim() != 4 || oh < 1 || ow < 1) {
            throw new IllegalArgumentException("adaptiveAvgPool2d: input x must be 4-D [N, C, H, W] and the output size positive, got x "
                    + Shapes.str(x.shape()) + " and [" + oh + ", " + ow + "]");
        }
        long h = x.size(2);
        long w = x.size(3);
        if (oh == 1 && ow == 1) {
            return mean(x, new int[] {2, 3}, true);
        }
        Tensor[] rows = new Tensor[oh];
        for (int i = 0; i < oh; i++) {
            long y0 = i * h / oh;
            long y1 = ((i + 1) * h + oh - 1) / oh;
            Tensor[] cells = new Tensor[ow];
            for (int j = 0; j < ow; j++) {
                long x0 = j * w / ow;
                long x1 = ((j + 1) * w + ow - 1) / ow;
                cells[j] = mean(narrow(narrow(x, 2, y0, y1 - y0), 3, x0, x1 - x0), new int[] {2, 3}, true);
            }
            rows[i] = concat(3, cells);
        }
        return concat(2, rows);
    }

    /**
     * Scaled dot-product attention, {@code softmax(q k^T / sqrt(d) + mask) v}, as PyTorch's
     * {@code F.scaled_dot_product_attention} with a float mask: q {@code [..., L, d]}, k {@code [..., S, d]},
     * v {@code [..., S, dv]} with equal leading dims; {@code mask} (or null) is added to the scores and
     * broadcasts to {@code [..., L, S]} (0 where a position may attend, -inf where not: {@link #maskedFill}
     * makes one); {@code causal} hides every key after the query's own position. Built from
     * differentiable ops (matmul, softmax), so gradients of every order follow.
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal) {
        if (q.dim() < 2 || k.dim() != q.dim() || v.dim() != q.dim() || q.size(-1) != k.size(-1) || k.size(-2) != v.size(-2)) {
            throw new IllegalArgumentException("scaledDotProductAttention: need q [..., L, d], k [..., S, d], v [..., S, dv] of one rank, got q "
                    + Shapes.str(q.shape()) + ", k " + Shapes.str(k.shape()) + ", v " + Shapes.str(v.shape()));
        }
        Tensor scores = div(matmul(q, transpose(k, -2, -1)), Math.sqrt(q.size(-1)));
        if (mask != null) {
            scores = add(scores, mask);
        }
        if (causal) {
            int l = (int) q.size(-2);
            int sk = (int) k.size(-2);
            double[] hide = new double[l * sk];
            for (int i = 0; i < l; i++) {
                for (int j = i + 1; j < sk; j++) {
                    hide[i * sk + j] = Double.NEGATIVE_INFINITY;
                }
            }
            scores = add(scores, Tensor.of(q.dtype(), hide, l, sk));
        }
        return matmul(softmax(scores, -1), v);
    }

    /**
     * Resizes the last two dims of x {@code [N, C, H, W]} to {@code [oh, ow]}, as
     * {@code F.interpolate(x, size=(oh, ow), mode, align_corners)}: {@code "nearest"} (source index
     * {@code floor(dst * in / out)}) or {@code "bilinear"} (four neighbours weighted by distance;
     * {@code alignCorners} maps the corner pixels onto each other, else pixel centres, as PyTorch).
     * Built from gathers ({@code IndexGather}, whose backward scatters) and elementwise ops.
     */
    public static Tensor interpolate(Tensor x, int oh, int ow, String mode, boolean alignCorners) {
        if (x.dim() != 4 || oh < 1 || ow < 1) {
            throw new IllegalArgumentException("interpolate: input x must be 4-D [N, C, H, W] and the size positive, got x " + Shapes.str(x.shape())
                    + " and [" + oh + ", " + ow + "]");
        }
        if (mode == null) {
            throw new IllegalArgumentException("interpolate: mode must be \"nearest\" or \"bilinear\", got null");
        }
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        long planes = x.size(0) * x.size(1);
        long[] outShape = {x.size(0), x.size(1), oh, ow};
        switch (mode) {
            case "nearest": {
                int[] rows = new int[oh];
                int[] cols = new int[ow];
                for (int i = 0; i < oh; i++) {
                    rows[i] = Math.min(h - 1, (int) Math.floor(i * (h / (double) oh)));
                }
                for (int j = 0; j < ow; j++) {
                    cols[j] = Math.min(w - 1, (int) Math.floor(j * (w / (double) ow)));
                }
                return new dev.adjoint.ops.pool.IndexGather(planeIndex(planes, h, w, rows, cols), outShape).apply(x);
            }
            case "bilinear": {
                int[][] r = new int[2][oh];
                int[][] c = new int[2][ow];
                double[] ly = new double[oh];
                double[] lx = new double[ow];
                neighbours(h, oh, alignCorners, r, ly);
                neighbours(w, ow, alignCorners, c, lx);
                Tensor y = null;
                for (int a = 0; a < 2; a++) {
                    for (int b = 0; b < 2; b++) {
                        double[] weight = new double[oh * ow];
                        for (int i = 0; i < oh; i++) {
                            for (int j = 0; j < ow; j++) {
                                weight[i * ow + j] = (a == 0 ? 1 - ly[i] : ly[i]) * (b == 0 ? 1 - lx[j] : lx[j]);
                            }
                        }
                        Tensor corner = new dev.adjoint.ops.pool.IndexGather(planeIndex(planes, h, w, r[a], c[b]), outShape).apply(x);
                        Tensor term = mul(corner, Tensor.of(x.dtype(), weight, 1, 1, oh, ow));
                        y = y == null ? term : add(y, term);
                    }
                }
                return y;
            }
            default:
                throw new IllegalArgumentException("interpolate: mode must be \"nearest\" or \"bilinear\", got \"" + mode + "\"");
        }
    }

    /** {@code interpolate} by an integer factor: {@code [H * scale, W * scale]}. */
    public static Tensor interpolate(Tensor x, int scale, String mode, boolean alignCorners) {
        if (x.dim() != 4 || scale < 1) {
            throw new IllegalArgumentException("interpolate: input x must be 4-D and the scale factor positive, got x " + Shapes.str(x.shape())
                    + " and " + scale);
        }
        return interpolate(x, (int) x.size(2) * scale, (int) x.size(3) * scale, mode, alignCorners);
    }

    /** The two source indices and the weight of the second along one dim, as PyTorch's bilinear kernel computes them. */
    private static void neighbours(int in, int out, boolean alignCorners, int[][] index, double[] lambda) {
        for (int d = 0; d < out; d++) {
            double src = alignCorners ? (out > 1 ? d * (in - 1) / (double) (out - 1) : 0) : Math.max(0, (d + 0.5) * in / out - 0.5);
            int i0 = Math.min((int) Math.floor(src), in - 1);
            index[0][d] = i0;
            index[1][d] = Math.min(i0 + 1, in - 1);
            lambda[d] = src - i0;
        }
    }

    /** Flat indices into {@code [planes, h, w]} picking {@code (rows[i], cols[j])} of every plane. */
    private static int[] planeIndex(long planes, int h, int w, int[] rows, int[] cols) {
        int[] flat = new int[(int) (planes * rows.length * cols.length)];
        int at = 0;
        for (long p = 0; p < planes; p++) {
            for (int row : rows) {
                for (int col : cols) {
                    flat[at++] = (int) (p * h * w + (long) row * w + col);
                }
            }
        }
        return flat;
    }

    // ---------------------------------------------------------------- losses

    /** Mean negative log-likelihood of class indices, for log-probabilities {@code [N, C]}. */
    public static Tensor nllLoss(Tensor logProbs, int[] target) {
        checkNotEmptyBatch("nllLoss", logProbs);
        return new NllLoss(target).apply(logProbs);
    }

    /** Cross-entropy from logits {@code [N, C]} and class indices, mean over the batch. */
    public static Tensor crossEntropy(Tensor logits, int[] target) {
        checkNotEmptyBatch("crossEntropy", logits);
        return nllLoss(logSoftmax(logits, 1), target);
    }

    /** The mean over an empty batch is 0/0: PyTorch returns NaN, which would poison training silently. */
    private static void checkNotEmptyBatch(String op, Tensor x) {
        if (x.numel() == 0) {
            throw new IllegalArgumentException(op + ": the input " + Shapes.str(x.shape())
                    + " is empty: the mean loss over no examples is undefined (PyTorch returns NaN)");
        }
    }

    /**
     * Cross-entropy with all of PyTorch's options ({@code F.cross_entropy(logits, target, weight,
     * ignore_index=, reduction=, label_smoothing=)}): logits {@code [N, C]} or {@code [N, C, d1, ...]}
     * (per-pixel classes; target then {@code [N, d1, ...]} flattened row-major), {@code weight} per
     * class ({@code [C]} or null), rows whose target is {@code ignoreIndex} count for nothing, and
     * {@code labelSmoothing} mixes in the uniform distribution over classes. The mean divides by the
     * summed weights of the counted rows, as PyTorch. Built from log-softmax, gathers and sums.
     */
    public static Tensor crossEntropy(Tensor logits, int[] target, Tensor weight, int ignoreIndex, double labelSmoothing, Reduction reduction) {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("crossEntropy: labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
        checkNotEmptyBatch("crossEntropy", logits);
        Tensor logp = logSoftmax(logits, 1);
        long c = logits.size(1);
        Tensor rows = classesLast("crossEntropy", logp, target.length); // [M, C]
        Tensor nll = nllRows("crossEntropy", rows, target, weight, ignoreIndex); // [M], 0 where ignored
        double[] w = weight == null ? null : weight.toDoubleArray();
        double[] counted = new double[target.length]; // each row's weight in the mean's denominator, 0 when ignored
        for (int i = 0; i < target.length; i++) {
            counted[i] = target[i] == ignoreIndex ? 0 : w == null ? 1 : w[target[i]];
        }
        Tensor perRow = nll;
        if (labelSmoothing > 0) {
            Tensor weighted = weight == null ? rows : mul(rows, reshape(weight, 1, c));
            double[] keep = new double[target.length];
            for (int i = 0; i < keep.length; i++) {
                keep[i] = target[i] == ignoreIndex ? 0 : 1;
            }
            Tensor smooth = mul(neg(sum(weighted, new int[] {1}, false)), Tensor.of(logits.dtype(), keep, keep.length));
            perRow = add(mul(nll, 1 - labelSmoothing), mul(smooth, labelSmoothing / c));
        }
        return reduce(perRow, reduction, counted, logits, target.length);
    }

    /** NLL of log-probabilities with PyTorch's options ({@code F.nll_loss(logp, target, weight, ignore_index=, reduction=)}). */
    public static Tensor nllLoss(Tensor logProbs, int[] target, Tensor weight, int ignoreIndex, Reduction reduction) {
        checkNotEmptyBatch("nllLoss", logProbs);
        Tensor rows = classesLast("nllLoss", logProbs, target.length);
        double[] w = weight == null ? null : weight.toDoubleArray();
        double[] counted = new double[target.length];
        for (int i = 0; i < target.length; i++) {
            counted[i] = target[i] == ignoreIndex ? 0 : w == null ? 1 : w[target[i]];
        }
        return reduce(nllRows("nllLoss", rows, target, weight, ignoreIndex), reduction, counted, logProbs, target.length);
    }

    /** {@code [N, C, d...]} as {@code [N * d..., C]} (rows in target's row-major order); {@code [N, C]} as it is. */
    private static Tensor classesLast(String op, Tensor x, int targets) {
        if (x.dim() < 2) {
            throw new IllegalArgumentException(op + ": input must be [N, C] or [N, C, d1, ...], got " + Shapes.str(x.shape()));
        }
        Tensor rows = x;
        if (x.dim() > 2) {
            int[] order = new int[x.dim()];
            order[0] = 0;
            for (int i = 2; i < x.dim(); i++) {
                order[i - 1] = i;
            }
            order[x.dim() - 1] = 1;
            rows = reshape(permute(x, order), -1, x.size(1));
        }
        if (rows.size(0) != targets) {
            throw new IllegalArgumentException(op + ": input " + Shapes.str(x.shape()) + " has " + rows.size(0) + " positions but target has "
                    + targets + " class indices");
        }
        return rows;
    }

    /** Per row, {@code -w[t] logp[t]}; 0 for ignored rows. */
    private static Tensor nllRows(String op, Tensor rows, int[] target, Tensor weight, int ignoreIndex) {
        int m = target.length;
        int c = (int) rows.size(1);
        if (weight != null && (weight.dim() != 1 || weight.size(0) != c)) {
            throw new IllegalArgumentException(op + ": weight " + Shapes.str(weight.shape()) + " must be [" + c + "], one per class");
        }
        int[] picked = new int[m];
        double[] scale = new double[m];
        double[] w = weight == null ? null : weight.toDoubleArray();
        for (int i = 0; i < m; i++) {
            if (target[i] == ignoreIndex) {
                picked[i] = i * c; // any position: scaled by 0
                continue;
            }
            if (target[i] < 0 || target[i] >= c) {
                throw new IllegalArgumentException(op + ": target[" + i + "] = " + target[i] + " is not a class index in [0, " + c + ")");
            }
            picked[i] = i * c + target[i];
            scale[i] = -(w == null ? 1 : w[target[i]]);
        }
        Tensor logp = new dev.adjoint.ops.pool.IndexGather(picked, new long[] {m}).apply(rows);
        return mul(logp, Tensor.of(rows.dtype(), scale, m));
    }

    /** A per-row loss reduced as asked; the mean divides by the rows' summed weights; none keeps x's layout without C. */
    private static Tensor reduce(Tensor perRow, Reduction reduction, double[] counted, Tensor x, int rows) {
        switch (reduction) {
            case SUM:
                return sum(perRow);
            case NONE: {
                if (x.dim() <= 2) {
                    return perRow;
                }
                long[] shape = new long[x.dim() - 1];
                shape[0] = x.size(0);
                for (int i = 2; i < x.dim(); i++) {
                    shape[i - 1] = x.size(i);
                }
                return reshape(perRow, shape);
            }
            default: {
                double total = 0;
                for (double v : counted) {
                    total += v;
                }
                return div(sum(perRow), total); // every row ignored: 0/0, NaN, as PyTorch
            }
        }
    }

    /** Mean squared error with a reduction. */
    public static Tensor mseLoss(Tensor x, Tensor target, Reduction reduction) {
        checkSameShape("mseLoss", x, target);
        Tensor d = sub(x, target);
        return reduceElements(mul(d, d), reduction);
    }

    /** Mean absolute error with a reduction. */
    public static Tensor l1Loss(Tensor x, Tensor target, Reduction reduction) {
        checkSameShape("l1Loss", x, target);
        return reduceElements(abs(sub(x, target)), reduction);
    }

    private static Tensor reduceElements(Tensor perElement, Reduction reduction) {
        return switch (reduction) {
            case MEAN -> mean(perElement);
            case SUM -> sum(perElement);
            case NONE -> perElement;
        };
    }

    /** Cross-entropy with the class indices as a 1-D tensor of whole numbers, as PyTorch passes them. */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return crossEntropy(logits, classIndices("crossEntropy", target));
    }

    /** NLL loss with the class indices as a 1-D tensor of whole numbers. */
    public static Tensor nllLoss(Tensor logProbs, Tensor target) {
        return nllLoss(logProbs, classIndices("nllLoss", target));
    }

    /**
     * Binary cross-entropy of probabilities {@code x} in [0, 1], mean over all elements, as PyTorch's
     * {@code F.binary_cross_entropy}: each log clamped at -100, so a probability of exactly 0 or 1
     * gives a finite loss, and a finite gradient there (PyTorch's closed form, see {@code BinaryCrossEntropy}).
     *
     * @throws IllegalArgumentException when the shapes or dtypes differ, the input is empty, or a
     *     value of {@code x} is outside [0, 1] or NaN (as PyTorch, which refuses them)
     */
    public static Tensor binaryCrossEntropy(Tensor x, Tensor target) {
        checkProbabilities(x, target);
        return mean(new dev.adjoint.ops.loss.BinaryCrossEntropy().apply(x, target));
    }

    /** BCE's operands: same shape and dtype, not empty, x's values in [0, 1]. */
    private static void checkProbabilities(Tensor x, Tensor target) {
        checkSameShape("binaryCrossEntropy", x, target);
        Broadcast.check("binaryCrossEntropy", x, target);
        if (x.numel() == 0) {
            throw new IllegalArgumentException("binaryCrossEntropy: the input " + Shapes.str(x.shape()) + " is empty");
        }
        double lo = x.data().minNumber().doubleValue();
        double hi = x.data().maxNumber().doubleValue();
        if (!(lo >= 0 && hi <= 1) || x.data().isNaN().any()) {
            throw new IllegalArgumentException("binaryCrossEntropy: the input x " + Shapes.str(x.shape())
                    + " must hold probabilities in [0, 1] (e.g. a sigmoid's output), got values from " + lo + " to " + hi
                    + "; for logits use binaryCrossEntropyWithLogits");
        }
    }

    /** {@link #binaryCrossEntropy(Tensor, Tensor)} with a reduction (PyTorch's {@code reduction=}). */
    public static Tensor binaryCrossEntropy(Tensor x, Tensor target, Reduction reduction) {
        if (reduction == Reduction.MEAN) {
            return binaryCrossEntropy(x, target);
        }
        checkProbabilities(x, target);
        return reduceElements(new dev.adjoint.ops.loss.BinaryCrossEntropy().apply(x, target), reduction);
    }

    /** Class indices from a 1-D tensor of whole numbers; a clear error for anything else. */
    public static int[] classIndices(String op, Tensor target) {
        if (target.dim() != 1) {
            throw new IllegalArgumentException(op + ": class indices must be a 1-D tensor, got shape " + Shapes.str(target.shape()));
        }
        double[] v = target.toDoubleArray();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) v[i];
            if (out[i] != v[i]) {
                throw new IllegalArgumentException(op + ": class index " + i + " is " + v[i] + ", not a whole number");
            }
        }
        return out;
    }

    /** Mean squared error {@code mean((x - target)^2)}. */
    public static Tensor mseLoss(Tensor x, Tensor target) {
        checkSameShape("mseLoss", x, target);
        Tensor d = sub(x, target);
        return mean(mul(d, d));
    }

    /** Mean absolute error {@code mean(|x - target|)}. */
    public static Tensor l1Loss(Tensor x, Tensor target) {
        checkSameShape("l1Loss", x, target);
        return mean(abs(sub(x, target)));
    }

    /**
     * Binary cross-entropy on logits, mean, in the stable form
     * {@code max(x, 0) - x * t + log(1 + e^-|x|)}.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor x, Tensor target) {
        checkSameShape("binaryCrossEntropyWithLogits", x, target);
        Broadcast.check("binaryCrossEntropyWithLogits", x, target); // same dtype
        if (x.numel() == 0) {
            throw new IllegalArgumentException("binaryCrossEntropyWithLogits: the input " + Shapes.str(x.shape()) + " is empty");
        }
        return mean(new dev.adjoint.ops.loss.BceWithLogits().apply(x, target));
    }

    /** {@link #binaryCrossEntropyWithLogits(Tensor, Tensor)} with a reduction (PyTorch's {@code reduction=}). */
    public static Tensor binaryCrossEntropyWithLogits(Tensor x, Tensor target, Reduction reduction) {
        checkSameShape("binaryCrossEntropyWithLogits", x, target);
        Broadcast.check("binaryCrossEntropyWithLogits", x, target);
        if (x.numel() == 0) {
            throw new IllegalArgumentException("binaryCrossEntropyWithLogits: the input " + Shapes.str(x.shape()) + " is empty");
        }
        return reduceElements(new dev.adjoint.ops.loss.BceWithLogits().apply(x, target), reduction);
    }

    /** The conv family's operands must share x's dtype: the kernels read every operand's memory as x's type. */
    private static void checkSameDtype(String op, Tensor x, Tensor w, Tensor b) {
        for (Tensor t : b == null ? new Tensor[] {w} : new Tensor[] {w, b}) {
            if (t.dtype() != x.dtype()) {
                throw new IllegalArgumentException(op + ": dtypes differ: x " + x.dtype() + " " + Shapes.str(x.shape()) + ", "
                        + (t == w ? "weight w " : "bias b ") + t.dtype() + " " + Shapes.str(t.shape())
                        + "; convert one of them first");
            }
        }
    }

    private static void checkSameShape(String op, Tensor x, Tensor target) {
        if (!Arrays.equals(x.shape(), target.shape())) {
            throw new IllegalArgumentException(op + ": input " + Shapes.str(x.shape()) + " and target " + Shapes.str(target.shape())
                    + " must have the same shape");
        }
    }
}
