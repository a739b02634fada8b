package dev.adjoint.autograd;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.kernels.Kernels;
import dev.adjoint.memory.Memory;
import dev.adjoint.kernels.KernelSelection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One differentiable operation: {@link #forward} computes the output from the inputs' data, and
 * {@link #backward} turns the gradient of the output into gradients of the inputs.
 *
 * <p>A subclass is created per call, holds that call's arguments (stride, dims, ...) in fields,
 * and is run by {@link #apply}. When gradients are being recorded, the output tensor remembers
 * this function as its creator, and the function keeps edges to its inputs' creators: that chain
 * of functions is the graph {@link Engine} walks backwards.
 *
 * <p>{@code backward} is written with differentiable {@code Tensor} ops, so when the engine runs it
 * with {@code createGraph} the backward pass is itself recorded and can be differentiated again.
 */
public abstract class Function {
    private static final AtomicLong COUNTER = new AtomicLong();

    /** Creation order; every consumer of a tensor gets a larger id than its producer. */
    private long id;
    private Function[] nextFunctions;
    private Tensor[] nextLeaves;
    /**
     * The inputs' shapes, the list and its entries shared with every node of the same shapes
     * ({@link ShapeTable}): a graph kept after its backward (a loss in a list) then holds no shape
     * arrays of its own. Read only.
     */
    private long[][] inputShapes;
    private long[] outputShape;
    private Tensor[] saved;
    private int[] savedVersions;
    private int outputVersion;
    private boolean saveOutput;
    private Tensor output;
    private boolean released;
    /** Whether apply pinned the saved tensors' and the output's memory ({@link Memory#pin}); release unpins. */
    private boolean pinned;
    private String forwardSite;
    private List<UnaryOperator<Tensor>> outputHooks;

    /**
     * Computes the output value. Read inputs with {@code in[i].data()}; call {@link #save} for the
     * tensors backward needs, or {@link #saveOutput()} when backward is best written with the output.
     */
    protected abstract INDArray forward(Tensor... in);

    /**
     * Given the gradient of the output, returns one gradient per input (same shapes as the inputs),
     * or null for inputs that do not need one (see {@link #needsInputGrad(int)}).
     */
    protected abstract Tensor[] backward(Tensor gradOutput);

    /** The call's arguments, for printing: {@code "stride=[2, 2], padding=[1, 1]"}. Empty by default. */
    public String args() {
        return "";
    }

    /** Names of the inputs, for traces and graph dumps: {@code {"x", "w", "b"}}. */
    public String[] inputNames() {
        return new String[] {"x", "y", "z"};
    }

    /** How backward computes the gradient of input {@code i}, for traces: {@code "convTranspose2d(gy, w, ...)"}. */
    public String gradientFormula(int i) {
        return "";
    }

    /** Runs forward and, when grad mode is on and an input requires grad, records this function. */
    public final Tensor apply(Tensor... inputs) {
        if (id != 0) {
            throw new IllegalStateException(label() + " has been applied already; create one function object per call");
        }
        id = COUNTER.incrementAndGet();
        long start = Profiler.isEnabled() ? System.nanoTime() : 0;
        INDArray out = forward(inputs);
        if (start != 0) {
            Profiler.record(name() + " forward", System.nanoTime() - start);
        }
        if (AnomalyMode.isEnabled() && !Engine.isRunning()) {
            checkForwardFinite(inputs, out);
        }
        boolean record = false;
        if (GradMode.isEnabled()) {
            for (Tensor t : inputs) {
                record |= t != null && t.requiresGrad();
            }
        }
        if (!record) {
            saved = null; // nothing will run backward: let the saved tensors go now
            releaseState(); // and what the subclass kept for it
            return new Tensor(out);
        }
        int n = inputs.length;
        nextFunctions = new Function[n];
        nextLeaves = new Tensor[n];
        inputShapes = new long[n][];
        for (int i = 0; i < n; i++) {
            Tensor t = inputs[i];
            if (t == null) {
                continue;
            }
            inputShapes[i] = ShapeTable.shared(t.data().shape());
            if (t.requiresGrad()) {
                if (t.isLeaf()) {
                    nextLeaves[i] = t;
                } else {
                    nextFunctions[i] = t.creator();
                }
            }
        }
        inputShapes = ShapeTable.sharedList(inputShapes);
        nextFunctions = orShared(nextFunctions);
        nextLeaves = orShared(nextLeaves);
        outputShape = ShapeTable.shared(out.shape());
        if (AnomalyMode.isEnabled()) {
            forwardSite = callSite();
        }
        Tensor y = new Tensor(out, this, true);
        if (saveOutput) {
            output = y;
            outputVersion = y.version();
            Memory.pin(out);
        }
        if (saved != null) {
            for (Tensor t : saved) {
                if (t != null) {
                    Memory.pin(t.data()); // the graph holds it until backward: never released early
                }
            }
        }
        pinned = true;
        return y;
    }

    /**
     * All-null edge arrays by length, shared by every node with no function (or no leaf) among its
     * inputs: a kept graph holds no array of its own for them. Never written.
     */
    private static final Function[][] NO_FUNCTIONS = new Function[8][];
    private static final Tensor[][] NO_LEAVES = new Tensor[8][];

    static {
        for (int n = 0; n < 8; n++) {
            NO_FUNCTIONS[n] = new Function[n];
            NO_LEAVES[n] = new Tensor[n];
        }
    }

    private static Function[] orShared(Function[] edges) {
        return edges.length < NO_FUNCTIONS.length && allNull(edges) ? NO_FUNCTIONS[edges.length] : edges;
    }

    private static Tensor[] orShared(Tensor[] edges) {
        return edges.length < NO_LEAVES.length && allNull(edges) ? NO_LEAVES[edges.length] : edges;
    }

    private static boolean allNull(Object[] a) {
        for (Object o : a) {
            if (o != null) {
                return false;
            }
        }
        return true;
    }

    /** The kernels that do the arithmetic ({@link KernelSelection#current()}): forward calls them on the inputs' data. */
    protected static Kernels kernels() {
        return KernelSelection.current();
    }

    /** Keeps tensors for backward (normally some of the inputs). */
    protected final void save(Tensor... tensors) {
        this.saved = tensors;
        this.savedVersions = new int[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            savedVersions[i] = tensors[i] == null ? 0 : tensors[i].version();
        }
    }

    /** A tensor kept by {@link #save}; fails clearly once the graph has been freed by a backward pass. */
    protected final Tensor saved(int i) {
        checkNotReleased();
        Tensor t = saved[i];
        if (t != null && t.version() != savedVersions[i]) {
            throw modified(t, savedVersions[i]);
        }
        return t;
    }

    private IllegalStateException modified(Tensor t, int then) {
        return new IllegalStateException("one of the tensors needed for gradient computation has been modified in place: " + t
                + " was saved by " + label() + " at version " + then + " and is at version " + t.version()
                + " now (an optimizer.step(), a checkpoint load or another in-place write ran between forward and backward)."
                + " Run backward before modifying it, or compute the forward again.");
    }

    /** Asks apply to keep the output tensor for backward (exp, sigmoid, tanh, softmax use it). */
    protected final void saveOutput() {
        this.saveOutput = true;
    }

    /** The output tensor, when {@link #saveOutput()} was called in forward. */
    protected final Tensor output() {
        checkNotReleased();
        if (output != null && output.version() != outputVersion) {
            throw modified(output, outputVersion);
        }
        return output;
    }

    /** Whether input {@code i} requires a gradient; backward may skip work for the others. */
    protected final boolean needsInputGrad(int i) {
        // an input that requires a gradient is a leaf or has a creator: one of the two is set
        return nextFunctions != null && (nextFunctions[i] != null || nextLeaves[i] != null);
    }

    /** How many inputs the function was applied to. */
    protected final int inputCount() {
        return inputShapes.length;
    }

    /** Shape of input {@code i} as it was in forward. */
    protected final long[] inputShape(int i) {
        return inputShapes[i];
    }

    private void checkNotReleased() {
        if (released) {
            throw new IllegalStateException(label() + ": its saved tensors were freed by an earlier backward pass. "
                    + "Trying to backward through the graph a second time? Pass retainGraph=true to the first backward.");
        }
    }

    // ---------------------------------------------------------------- used by the engine

    long id() {
        return id;
    }

    Function[] nextFunctions() {
        return nextFunctions;
    }

    Tensor[] nextLeaves() {
        return nextLeaves;
    }

    /** The inputs' shapes as recorded (the shared list itself), for tests of what a graph keeps. */
    long[][] inputShapesList() {
        return inputShapes;
    }

    boolean isReleased() {
        return released;
    }

    /**
     * Frees saved tensors; a later backward through this function throws IllegalStateException.
     * Returns the bytes of pooled memory this graph no longer pins ({@link Memory#unpin}).
     */
    long release() {
        released = true;
        long unpinned = 0;
        if (pinned) {
            // the pins taken in apply: memory only this graph still held goes back to the pool now
            if (saved != null) {
                for (Tensor t : saved) {
                    if (t != null) {
                        unpinned += Memory.unpin(t.data());
                    }
                }
            }
            if (output != null) {
                unpinned += Memory.unpin(output.data());
            }
            pinned = false;
        }
        saved = null;
        savedVersions = null;
        output = null;
        releaseState();
        return unpinned;
    }

    /**
     * Drops what a subclass kept in its own fields for its backward (max pooling's argmax), once
     * the engine has freed this function after a backward pass, or right after forward when nothing
     * was recorded: a graph kept reachable afterwards (a loss in a list) then holds only its small
     * nodes, as PyTorch's does.
     */
    protected void releaseState() {
    }

    /** Adds a hook on the gradient of this function's output (Tensor.registerHook on a non-leaf). */
    public void addOutputHook(UnaryOperator<Tensor> hook) {
        if (outputHooks == null) {
            outputHooks = new ArrayList<>();
        }
        outputHooks.add(hook);
    }

    List<UnaryOperator<Tensor>> outputHooks() {
        return outputHooks == null ? List.of() : outputHooks;
    }

    /** Where forward was called from (recorded in anomaly mode only), or null. */
    public String forwardSite() {
        return forwardSite;
    }

    /** Shape of the output this function produced. */
    public long[] outputShape() {
        return outputShape == null ? null : outputShape.clone();
    }

    /** The functions that produced this function's inputs (null entries for leaves and constants). */
    public List<Function> inputsCreators() {
        return nextFunctions == null ? List.of() : Arrays.asList(nextFunctions.clone());
    }

    // ---------------------------------------------------------------- printing

    /**
     * The node's name in traces, graph dumps and the profiler: its class's simple name, always, so
     * a trace line names the class a debugger steps into ({@code ConvNd#17}). No Function shares a
     * layer's name ({@code ArchitectureTest}).
     */
    public final String name() {
        return getClass().getSimpleName();
    }

    /** {@code ConvNd#17}: the name and the creation number. */
    public String label() {
        return name() + "#" + id;
    }

    /** {@code ConvNd#17(stride=[1, 1], padding=[2, 2]) -> [64, 6, 28, 28]}. */
    @Override
    public String toString() {
        String a = args();
        StringBuilder sb = new StringBuilder(label());
        if (!a.isEmpty()) {
            sb.append('(').append(a).append(')');
        }
        if (outputShape != null) {
            sb.append(" -> ").append(Shapes.str(outputShape));
        }
        if (released) {
            sb.append(" [freed]");
        }
        return sb.toString();
    }

    /** Anomaly mode: NaN or infinity in the output of finite inputs is this function's doing. */
    private void checkForwardFinite(Tensor[] inputs, INDArray out) {
        if (Engine.allFinite(out)) {
            return;
        }
        for (Tensor t : inputs) {
            if (t != null && !Engine.allFinite(t.data())) {
                return; // propagated from an input: the function that made that input was reported already, or it is user data
            }
        }
        throw new IllegalStateException("anomaly: " + label() + (args().isEmpty() ? "" : "(" + args() + ")") + " forward turned finite inputs into"
                + " NaN or infinity (output " + Shapes.str(out.shape()) + "), called at " + callSite());
    }

    private static String callSite() {
        for (StackTraceElement e : new Throwable().getStackTrace()) {
            String c = e.getClassName();
            boolean internal = c.equals(Function.class.getName()) || c.startsWith("dev.adjoint.ops.") || c.equals("dev.adjoint.Tensor");
            if (!internal) {
                return e.toString();
            }
        }
        return "unknown";
    }
}
