package dev.adjoint;

import dev.adjoint.autograd.Engine;
import dev.adjoint.autograd.Function;
import dev.adjoint.kernels.Kernels;
import dev.adjoint.kernels.KernelSelection;
import dev.adjoint.memory.Memory;
import dev.adjoint.ops.F;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An n-dimensional array of float32 or float64 values that records how it was made.
 *
 * <p>A tensor is either a <em>leaf</em> (made by the user: data, parameters) or the output of a
 * {@link Function}, its {@link #creator()}. Calling {@link #backward()} on a scalar walks those
 * functions in reverse and accumulates gradients into the {@link #grad()} of every leaf that
 * {@link #requiresGrad() requires grad}.
 *
 * <p>Tensors are immutable from the user's point of view: every op returns a new tensor. Only
 * optimizers and checkpoint loading write into a tensor's data, under no-grad.
 */
public class Tensor {
    /** Not final for one reason: {@link #convertInPlace} (Module.to) changes a leaf's dtype. */
    private INDArray data;
    private final Function creator;
    private boolean requiresGrad;
    private Tensor grad;
    private String name;
    private List<UnaryOperator<Tensor>> hooks;
    /** In-place writes into {@link #data} so far: a Function that saved this tensor checks it in backward. */
    private int version;

    /**
     * Wraps an ND4J array. Most code uses the factories ({@link #of}, {@link #zeros}, ...) instead.
     * The array must be float32 or float64; it is not copied.
     */
    public Tensor(INDArray data) {
        this(data, null, false);
    }

    /** Used by {@link Function#apply} to make an output that remembers its creator. */
    public Tensor(INDArray data, Function creator, boolean requiresGrad) {
        DType.of(data.dataType()); // rejects integer and other types early
        this.data = data;
        this.creator = creator;
        this.requiresGrad = requiresGrad;
    }

    // ---------------------------------------------------------------- factories

    /** A float32 tensor of the given values, row-major, with the given shape. */
    public static Tensor of(double[] values, long... shape) {
        return of(DType.FLOAT32, values, shape);
    }

    /** A tensor of the given dtype and values, row-major, with the given shape. */
    public static Tensor of(DType dtype, double[] values, long... shape) {
        if (shape.length == 0 && values.length == 1) {
            return scalar(values[0], dtype);
        }
        if (Shapes.numel(shape) != values.length) {
            throw new IllegalArgumentException("Tensor.of: " + values.length + " values do not fill shape " + Shapes.str(shape)
                    + " (" + Shapes.numel(shape) + " elements)");
        }
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Tensor.of: negative size in shape " + Shapes.str(shape));
            }
        }
        return new Tensor(Nd4j.create(values, shape, dtype.nd4j()));
    }

    /** The most elements one tensor can hold: ND4J's and Java's arrays count in {@code int}. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /** The shape, when no size is negative and the element count fits in one array. */
    private static long[] checkShape(String op, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": negative dimension " + d + " in shape " + Shapes.str(shape));
            }
            n = d == 0 || n <= MAX_ELEMENTS / d ? n * d : MAX_ELEMENTS + 1;
        }
        if (n > MAX_ELEMENTS) {
            throw new IllegalArgumentException(op + ": shape " + Shapes.str(shape) + " has more elements than one tensor can hold (" + MAX_ELEMENTS + ")");
        }
        return shape;
    }

    /** A 1-D float32 tensor of the given values. */
    public static Tensor of(double... values) {
        return of(values, values.length);
    }

    /** A 0-dimensional tensor holding one value. */
    public static Tensor scalar(double value, DType dtype) {
        return new Tensor(Nd4j.scalar(dtype.nd4j(), value));
    }

    /** A 0-dimensional float32 tensor. */
    public static Tensor scalar(double value) {
        return scalar(value, DType.FLOAT32);
    }

    public static Tensor zeros(long... shape) {
        return zeros(DType.FLOAT32, shape);
    }

    public static Tensor zeros(DType dtype, long... shape) {
        return new Tensor(Nd4j.zeros(dtype.nd4j(), checkShape("Tensor.zeros", shape)));
    }

    public static Tensor ones(long... shape) {
        return ones(DType.FLOAT32, shape);
    }

    public static Tensor ones(DType dtype, long... shape) {
        return new Tensor(Nd4j.ones(dtype.nd4j(), checkShape("Tensor.ones", shape)));
    }

    public static Tensor full(DType dtype, double value, long... shape) {
        return new Tensor(Nd4j.valueArrayOf(checkShape("Tensor.full", shape), value, dtype.nd4j()));
    }

    /** Uniform values in [0, 1) from a seeded generator: the same seed gives the same tensor. */
    public static Tensor rand(long seed, DType dtype, long... shape) {
        return random(new Random(seed)::nextDouble, dtype, checkShape("Tensor.rand", shape));
    }

    /** Standard normal values from a seeded generator. */
    public static Tensor randn(long seed, DType dtype, long... shape) {
        return random(new Random(seed)::nextGaussian, dtype, checkShape("Tensor.randn", shape));
    }

    /**
     * A tensor of the generator's values in row-major order. Float32 values (each double rounded,
     * as {@link #of(DType, double[], long...)} rounds it) go straight into the tensor's memory: a
     * batch of random images then makes no array of its size on the Java heap, where a large one is
     * a humongous object that grows the heap.
     */
    private static Tensor random(DoubleSupplier next, DType dtype, long[] shape) {
        int n = (int) Shapes.numel(shape);
        if (dtype == DType.FLOAT32 && shape.length > 0 && n > 0) {
            INDArray out = Memory.allocate(DataType.FLOAT, shape);
            DataBuffer memory = out.data();
            for (int i = 0; i < n; i++) {
                memory.put(i, (float) next.getAsDouble());
            }
            return new Tensor(out);
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = next.getAsDouble();
        }
        return of(dtype, v, shape);
    }

    /** {@code [start, start + step, ...]} below {@code end}, float32. */
    public static Tensor arange(double start, double end, double step) {
        return arange(DType.FLOAT32, start, end, step);
    }

    public static Tensor arange(DType dtype, double start, double end, double step) {
        if (!Double.isFinite(start) || !Double.isFinite(end) || !Double.isFinite(step)) {
            throw new IllegalArgumentException("arange: start, end and step must be finite, got " + start + ", " + end + ", " + step);
        }
        if (step == 0 || (end - start) / step < 0) {
            throw new IllegalArgumentException("arange: cannot go from " + start + " to " + end + " by step " + step);
        }
        double count = Math.ceil((end - start) / step);
        if (count > MAX_ELEMENTS) {
            throw new IllegalArgumentException("arange: from " + start + " to " + end + " by step " + step + " is " + (long) count
                    + " values, more than one tensor can hold (" + MAX_ELEMENTS + ")");
        }
        int n = (int) count;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = start + i * step;
        }
        return of(dtype, v, n);
    }

    /** {@code [0, 1, ..., n - 1]}, float32. */
    public static Tensor arange(int n) {
        return arange(0, n, 1);
    }

    // ---------------------------------------------------------------- inspection

    /**
     * The underlying ND4J array: this tensor's own memory, valid for as long as it (or the tensor)
     * is reachable. Writing into it bypasses autograd: do so only under no-grad.
     */
    public INDArray data() {
        return data;
    }

    /**
     * How many in-place writes the library has made into this tensor's data (optimizer steps,
     * running statistics, checkpoint loads, {@code Init}). A function that saved the tensor for its
     * backward pass checks that the number has not changed, as PyTorch's version counters do.
     */
    public int version() {
        return version;
    }

    /**
     * Records an in-place write into {@link #data()}: call it after writing into a tensor that a
     * graph may have saved (the library does for every write it makes).
     */
    public void markModified() {
        version++;
    }

    /**
     * Changes this leaf's dtype in place, converting its values (and its gradient's): what
     * {@code Module.to(DType)} does to every parameter and buffer, so the layers keep their fields.
     * Only for leaves (a tensor an op made is converted with {@code to}-style ops instead), and it
     * counts as an in-place write (its {@link #version()} goes up).
     */
    public Tensor convertInPlace(DType dtype) {
        if (creator != null) {
            throw new IllegalStateException("convertInPlace: " + this + " was made by " + creator.label() + "; only leaves (parameters, buffers) convert in place");
        }
        if (dtype() != dtype) {
            data = data().castTo(dtype.nd4j()).dup('c');
            if (grad != null) {
                grad = new Tensor(grad.data().castTo(dtype.nd4j()).dup('c'));
            }
            markModified();
        }
        return this;
    }

    /** The sizes of the dimensions (a copy: changing it does not change the tensor). */
    public long[] shape() {
        return data.shape().clone();
    }

    public int dim() {
        return data.rank();
    }

    /** Size of one dimension; negative indices count from the end. */
    public long size(int dim) {
        return data.size(Shapes.dim("size", dim, dim()));
    }

    public long numel() {
        return data.length();
    }

    public DType dtype() {
        return DType.of(data.dataType());
    }

    /** The single value of a one-element tensor. */
    public double item() {
        if (data.length() != 1) {
            throw new IllegalStateException("item: only a one-element tensor has an item, this one has shape " + Shapes.str(shape()));
        }
        return data().getDouble(0L);
    }

    /** All values, row-major, as doubles (a copy). */
    public double[] toDoubleArray() {
        if (data.length() == 0) {
            return new double[0];
        }
        return KernelSelection.current().toDoubles(data());
    }

    /**
     * All values, row-major, as ints: for indices and labels ({@code argmax}, {@code topk}).
     *
     * @throws IllegalStateException when a value is not a whole number that fits in an int
     */
    public int[] toIntArray() {
        double[] v = toDoubleArray();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) v[i];
            if (out[i] != v[i]) {
                throw new IllegalStateException("toIntArray: value " + i + " of " + this + " is " + v[i] + ", not a whole number in int's range");
            }
        }
        return out;
    }

    /** All values, row-major, as floats (a copy). */
    public float[] toFloatArray() {
        if (data.length() == 0) {
            return new float[0];
        }
        return data.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT ? KernelSelection.current().toFloats(data())
                : data().dup('c').reshape(data.length()).toFloatVector();
    }

    /** The function that produced this tensor, or null for a leaf. */
    public Function creator() {
        return creator;
    }

    public boolean isLeaf() {
        return creator == null;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as needing a gradient (like PyTorch's {@code requires_grad_}). Returns this. */
    public Tensor requiresGrad(boolean value) {
        if (!isLeaf()) {
            throw new IllegalStateException("requiresGrad: only leaves can change requiresGrad; this tensor was made by " + creator);
        }
        this.requiresGrad = value;
        return this;
    }

    /** The accumulated gradient of a leaf, or null before any backward pass (or after zeroGrad). */
    public Tensor grad() {
        return grad;
    }

    /** Replaces the accumulated gradient (optimizers and the engine use this). */
    public void setGrad(Tensor grad) {
        if (grad != null && !Arrays.equals(grad.shape(), shape())) {
            throw new IllegalArgumentException("setGrad: gradient shape " + Shapes.str(grad.shape())
                    + " does not match tensor shape " + Shapes.str(shape()));
        }
        this.grad = grad;
    }

    /** Forgets the accumulated gradient: {@link #grad()} is null until the next backward pass. */
    public void zeroGrad() {
        this.grad = null;
    }

    /**
     * Resets the accumulated gradient. {@code setToNone}: as {@link #zeroGrad()}. Otherwise the
     * gradient keeps its storage and is filled with zeros, and the next backward pass adds into it
     * (PyTorch 1.13's default for optimizers and modules): a training loop then allocates no new
     * gradient arrays per step. Copy a gradient you want to keep across this call.
     */
    public void zeroGrad(boolean setToNone) {
        if (setToNone || grad == null) {
            this.grad = null;
        } else if (grad.creator() != null) {
            this.grad = new Tensor(Nd4j.zeros(grad.data().dataType(), grad.shape())); // a graph (createGraph): start a plain leaf
        } else {
            KernelSelection.current().fill(grad.data(), 0);
        }
    }

    /** An optional name (parameters get theirs from their module), shown in toString and graph dumps. */
    public String name() {
        return name;
    }

    public Tensor name(String name) {
        this.name = name;
        return this;
    }

    /** The same data, cut off from the graph: a leaf that does not require grad. */
    public Tensor detach() {
        return new Tensor(data());
    }

    /**
     * A copy of the values in memory of its own that stays in the graph (gradients flow back to
     * this tensor), as PyTorch's {@code x.clone()}; {@link #copy()} is the detached copy.
     */
    @Override
    public Tensor clone() {
        return new dev.adjoint.ops.shape.Clone().apply(this);
    }

    /** A deep copy of the data as a new leaf (PyTorch's {@code x.detach().clone()}). */
    public Tensor copy() {
        return new Tensor(data().dup('c'));
    }

    // ---------------------------------------------------------------- autograd

    /** Backpropagates from this scalar: every leaf that requires grad receives d(this)/d(leaf) in its grad. */
    public void backward() {
        Engine.backward(this, null, false, false);
    }

    /** Backpropagates with an explicit gradient of some scalar with respect to this tensor. */
    public void backward(Tensor gradient) {
        Engine.backward(this, gradient, false, false);
    }

    /** Backpropagates; {@code retainGraph} keeps saved tensors for another pass, {@code createGraph} records the pass. */
    public void backward(Tensor gradient, boolean retainGraph, boolean createGraph) {
        Engine.backward(this, gradient, retainGraph, createGraph);
    }

    /**
     * Registers a hook called with this tensor's gradient during backward; it may return a
     * replacement gradient (same shape) or the gradient unchanged.
     */
    public Tensor registerHook(UnaryOperator<Tensor> hook) {
        if (!requiresGrad) {
            throw new IllegalStateException("registerHook: the tensor " + this + " does not require grad, so no gradient will reach the hook");
        }
        if (creator != null) {
            creator.addOutputHook(hook);
        } else {
            if (hooks == null) {
                hooks = new ArrayList<>();
            }
            hooks.add(hook);
        }
        return this;
    }

    /** Hooks registered on this leaf (the engine applies them). */
    public List<UnaryOperator<Tensor>> hooks() {
        return hooks == null ? List.of() : hooks;
    }

    // ---------------------------------------------------------------- ops (see F for documentation)

    public Tensor add(Tensor other) { return F.add(this, other); }
    public Tensor add(double c) { return F.add(this, c); }
    public Tensor sub(Tensor other) { return F.sub(this, other); }
    public Tensor sub(double c) { return F.sub(this, c); }
    public Tensor mul(Tensor other) { return F.mul(this, other); }
    public Tensor mul(double c) { return F.mul(this, c); }
    public Tensor div(Tensor other) { return F.div(this, other); }
    public Tensor div(double c) { return F.div(this, c); }
    public Tensor neg() { return F.neg(this); }
    public Tensor pow(double exponent) { return F.pow(this, exponent); }
    public Tensor exp() { return F.exp(this); }
    public Tensor log() { return F.log(this); }
    public Tensor sqrt() { return F.sqrt(this); }
    public Tensor abs() { return F.abs(this); }
    public Tensor clamp(double min, double max) { return F.clamp(this, min, max); }
    public Tensor relu() { return F.relu(this); }
    public Tensor sigmoid() { return F.sigmoid(this); }
    public Tensor tanh() { return F.tanh(this); }
    public Tensor softmax(int dim) { return F.softmax(this, dim); }
    public Tensor logSoftmax(int dim) { return F.logSoftmax(this, dim); }
    public Tensor matmul(Tensor other) { return F.matmul(this, other); }
    public Tensor sum() { return F.sum(this); }
    public Tensor sum(int[] dims, boolean keepDim) { return F.sum(this, dims, keepDim); }
    public Tensor sum(int dim) { return F.sum(this, new int[] {dim}, false); }
    public Tensor sum(int dim, boolean keepDim) { return F.sum(this, new int[] {dim}, keepDim); }
    public Tensor mean(int dim) { return F.mean(this, new int[] {dim}, false); }
    public Tensor mean(int dim, boolean keepDim) { return F.mean(this, new int[] {dim}, keepDim); }
    public Tensor mean() { return F.mean(this); }
    public Tensor mean(int[] dims, boolean keepDim) { return F.mean(this, dims, keepDim); }
    public Tensor max() { return F.max(this); }
    public Tensor max(int[] dims, boolean keepDim) { return F.max(this, dims, keepDim); }
    /** Values and indices of the maximum along {@code dim}, as {@code x.max(dim)} in PyTorch. */
    public dev.adjoint.ops.ValuesAndIndices max(int dim) { return F.max(this, dim, false); }
    public dev.adjoint.ops.ValuesAndIndices max(int dim, boolean keepDim) { return F.max(this, dim, keepDim); }
    public Tensor argmax(int dim) { return F.argmax(this, dim, false); }
    public Tensor flatten(int startDim, int endDim) { return F.flatten(this, startDim, endDim); }
    public java.util.List<Tensor> chunk(int chunks, int dim) { return F.chunk(this, chunks, dim); }
    public java.util.List<Tensor> split(long size, int dim) { return F.split(this, size, dim); }
    public Tensor maskedFill(Tensor mask, double value) { return F.maskedFill(this, mask, value); }
    public Tensor argmax(int dim, boolean keepDim) { return F.argmax(this, dim, keepDim); }
    public dev.adjoint.ops.ValuesAndIndices topk(int k, int dim) { return F.topk(this, k, dim); }
    public Tensor eq(Tensor other) { return F.eq(this, other); }
    public Tensor eq(double c) { return F.eq(this, scalar(c, dtype())); }
    public Tensor ne(Tensor other) { return F.ne(this, other); }
    public Tensor ne(double c) { return F.ne(this, scalar(c, dtype())); }
    public Tensor lt(Tensor other) { return F.lt(this, other); }
    public Tensor lt(double c) { return F.lt(this, scalar(c, dtype())); }
    public Tensor le(Tensor other) { return F.le(this, other); }
    public Tensor le(double c) { return F.le(this, scalar(c, dtype())); }
    public Tensor gt(Tensor other) { return F.gt(this, other); }
    public Tensor gt(double c) { return F.gt(this, scalar(c, dtype())); }
    public Tensor ge(Tensor other) { return F.ge(this, other); }
    public Tensor ge(double c) { return F.ge(this, scalar(c, dtype())); }
    public Tensor reshape(long... shape) { return F.reshape(this, shape); }
    public Tensor view(long... shape) { return F.reshape(this, shape); }
    public Tensor flatten(int startDim) { return F.flatten(this, startDim); }
    public Tensor permute(int... dims) { return F.permute(this, dims); }
    public Tensor transpose(int dim0, int dim1) { return F.transpose(this, dim0, dim1); }
    public Tensor t() { return F.transpose(this, 0, 1); }
    public Tensor squeeze(int dim) { return F.squeeze(this, dim); }
    public Tensor unsqueeze(int dim) { return F.unsqueeze(this, dim); }
    public Tensor narrow(int dim, long start, long length) { return F.narrow(this, dim, start, length); }
    public Tensor expand(long... shape) { return F.expand(this, shape); }

    // ---------------------------------------------------------------- printing

    private static final int PREVIEW = 6;

    /**
     * {@code Tensor[2, 3] float32 grad_fn=Mul#12 [0.1000, 0.2000, ... 0.6000]}: shape, dtype, the
     * creating function (or "leaf"), and at most a handful of values, so a debugger's variables
     * view never renders a million numbers.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor");
        sb.append(Arrays.toString(shape())).append(' ').append(dtype());
        if (name != null) {
            sb.append(" '").append(name).append('\'');
        }
        if (creator != null) {
            sb.append(" grad_fn=").append(creator.label());
        } else if (requiresGrad) {
            sb.append(" leaf requires_grad");
        }
        sb.append(' ').append(preview());
        return sb.toString();
    }

    private String preview() {
        long n = data.length();
        if (n == 0) {
            return "[]";
        }
        INDArray flat = data.reshape(n);
        StringBuilder sb = new StringBuilder("[");
        long shown = Math.min(n, PREVIEW);
        for (long i = 0; i < shown; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(String.format("%.4f", flat.getDouble(i)));
        }
        if (n > PREVIEW) {
            sb.append(", ... ").append(n - PREVIEW).append(" more");
        }
        return sb.append(']').toString();
    }
}
