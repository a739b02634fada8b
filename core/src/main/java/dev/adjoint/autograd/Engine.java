package dev.adjoint.autograd;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.kernels.Kernels;
import dev.adjoint.kernels.KernelSelection;
import dev.adjoint.memory.Memory;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs the backward pass: walks the recorded functions from the outputs back to the leaves and
 * sums the gradients that reach each tensor.
 *
 * <p>Order: every function gets an id when it runs, and a consumer always runs after its inputs'
 * producers, so visiting the reachable functions by decreasing id is a reverse topological order.
 * Collecting them uses an explicit stack, so a graph 100,000 ops deep does not overflow the stack.
 */
public final class Engine {
    private static final ThreadLocal<PrintStream> TRACE = new ThreadLocal<>();
    /** Set while this thread runs a backward pass (anomaly mode checks backward steps there, not their ops' forwards). */
    private static final ThreadLocal<Boolean> RUNNING = ThreadLocal.withInitial(() -> Boolean.FALSE);

    /** An AutoCloseable that throws nothing. */
    private interface Restore extends AutoCloseable {
        @Override
        void close();
    }

    static boolean isRunning() {
        return RUNNING.get();
    }

    private Engine() {
    }

    /** {@code tensor.backward(gradient, retainGraph, createGraph)}: accumulates into the leaves' grad. */
    public static void backward(Tensor root, Tensor gradient, boolean retainGraph, boolean createGraph) {
        Tensor g = rootGradient("backward", root, gradient);
        run(new Tensor[] {root}, new Tensor[] {g}, retainGraph, createGraph, null);
    }

    static Tensor rootGradient(String op, Tensor root, Tensor gradient) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException(op + ": " + root + " does not require grad and was not made from a tensor that does, "
                    + "so there is nothing to differentiate (did you forget requiresGrad(true), or compute it under GradMode.disabled()?)");
        }
        if (gradient == null) {
            if (root.numel() != 1) {
                throw new IllegalArgumentException(op + ": a gradient can be created implicitly only for a scalar output, but the output has shape "
                        + Shapes.str(root.shape()) + " (made by " + root.creator() + "); pass the gradient explicitly");
            }
            return new Tensor(root.data().ulike().assign(1.0));
        }
        if (!Arrays.equals(gradient.shape(), root.shape())) {
            throw new IllegalArgumentException(op + ": gradient shape " + Shapes.str(gradient.shape()) + " does not match output shape "
                    + Shapes.str(root.shape()));
        }
        if (gradient.dtype() != root.dtype()) {
            throw new IllegalArgumentException(op + ": gradient dtype " + gradient.dtype() + " does not match output dtype " + root.dtype());
        }
        return gradient;
    }

    /**
     * The backward loop. When {@code capture} is null, gradients of leaves are accumulated into
     * their {@code grad}; otherwise only the gradients of the captured tensors are returned.
     */
    static Tensor[] run(Tensor[] roots, Tensor[] rootGrads, boolean retainGraph, boolean createGraph, Tensor[] capture) {
        Map<Function, Tensor> pending = new IdentityHashMap<>();
        Map<Tensor, Tensor> leafGrads = new IdentityHashMap<>();
        List<Tensor> leafOrder = new ArrayList<>();
        Tensor[] captured = capture == null ? null : new Tensor[capture.length];
        PrintStream trace = TRACE.get();
        Recycler recycler = new Recycler(!createGraph, pending, leafGrads, captured);

        boolean nested = RUNNING.get();
        RUNNING.set(true);
        long graphBytes = 0;
        try (GradMode.Scope mode = GradMode.set(createGraph); Restore r = () -> RUNNING.set(nested)) {
            for (int i = 0; i < roots.length; i++) {
                if (roots[i].isLeaf()) {
                    accumulateLeaf(leafGrads, leafOrder, roots[i], rootGrads[i], recycler);
                } else {
                    pending.merge(roots[i].creator(), rootGrads[i], Tensor::add);
                }
            }
            for (Function fn : reverseTopologicalOrder(roots)) {
                Tensor gy = pending.remove(fn);
                if (gy == null) {
                    continue; // no gradient reaches this function
                }
                if (!fn.outputHooks().isEmpty()) {
                    recycler.keep(gy); // a hook may hold on to the gradient it is shown
                    gy = applyHooks(fn.outputHooks(), gy, fn);
                    recycler.keep(gy);
                }
                if (capture != null) {
                    for (int c = 0; c < capture.length; c++) {
                        if (capture[c].creator() == fn) {
                            captured[c] = gy;
                        }
                    }
                }
                if (fn.isReleased()) {
                    throw new IllegalStateException("backward: " + fn.label() + " was already freed by an earlier backward pass. "
                            + "Trying to backward through the graph a second time? Pass retainGraph=true to the first backward.");
                }
                long start = Profiler.isEnabled() ? System.nanoTime() : 0;
                Tensor[] gxs = fn.backward(gy);
                if (start != 0) {
                    Profiler.record(fn.name() + " backward (incl. ops it calls)", System.nanoTime() - start);
                }
                if (trace != null) {
                    trace.println(traceLine(fn, gy, gxs));
                }
                Function[] nextFns = fn.nextFunctions();
                Tensor[] nextLeaves = fn.nextLeaves();
                for (int i = 0; i < nextFns.length; i++) {
                    if (!fn.needsInputGrad(i) || gxs[i] == null) {
                        continue;
                    }
                    checkGradient(fn, i, gxs[i]);
                    if (nextFns[i] != null) {
                        Tensor previous = pending.get(nextFns[i]);
                        if (previous == null) {
                            pending.put(nextFns[i], gxs[i]);
                        } else if (recycler.ownsAlone(previous, gxs[i])) {
                            // a second gradient for the same function (a residual connection): added
                            // into the first, which nothing else can see, instead of into a new tensor
                            KernelSelection.current().axpy(1, gxs[i].data(), previous.data());
                            recycler.consumed(gxs[i]);
                        } else {
                            pending.put(nextFns[i], previous.add(gxs[i]));
                            recycler.consumed(previous);
                            recycler.consumed(gxs[i]);
                        }
                    } else {
                        accumulateLeaf(leafGrads, leafOrder, nextLeaves[i], gxs[i], recycler);
                    }
                }
                if (!retainGraph) {
                    graphBytes += fn.release();
                }
                recycler.consumed(gy);
            }
            for (Tensor leaf : leafOrder) {
                Tensor g = leafGrads.get(leaf);
                if (!leaf.hooks().isEmpty()) {
                    recycler.keep(g);
                    g = applyHooks(leaf.hooks(), g, leaf);
                    recycler.keep(g);
                }
                if (capture != null) {
                    for (int c = 0; c < capture.length; c++) {
                        if (capture[c] == leaf) {
                            captured[c] = g;
                        }
                    }
                } else {
                    accumulateIntoGrad(leaf, g, createGraph);
                    leafGrads.remove(leaf);
                    recycler.consumed(g); // accumulateIntoGrad copied or added it
                }
            }
        }
        Memory.graphReleased(graphBytes); // the working set this step reached: sizes the pool's headroom
        return captured;
    }

    private static void accumulateLeaf(Map<Tensor, Tensor> grads, List<Tensor> order, Tensor leaf, Tensor g, Recycler recycler) {
        Tensor previous = grads.get(leaf);
        if (previous == null) {
            order.add(leaf);
            grads.put(leaf, g);
        } else {
            grads.put(leaf, previous.add(g));
            recycler.consumed(previous);
            recycler.consumed(g);
        }
    }

    /**
     * Gives the memory of gradients the backward pass has consumed back to the pool at once, instead
     * of when the garbage collector finds them: gradients made during this pass that nothing but the
     * engine refers to. Not with createGraph (the gradients are then part of a graph), not for
     * memory a hook was shown or autograd.grad returns, and not while another gradient the engine
     * still holds shares the memory (a backward may return a view of its gy).
     */
    private static final class Recycler {
        private final boolean enabled;
        private final long mark = Memory.mark();
        private final Map<Function, Tensor> pending;
        private final Map<Tensor, Tensor> leafGrads;
        private final Tensor[] captured;
        private final Map<Object, Boolean> kept = new IdentityHashMap<>();

        Recycler(boolean enabled, Map<Function, Tensor> pending, Map<Tensor, Tensor> leafGrads, Tensor[] captured) {
            this.enabled = enabled;
            this.pending = pending;
            this.leafGrads = leafGrads;
            this.captured = captured;
        }

        void keep(Tensor t) {
            Object root = Memory.root(t.data());
            if (root != null) {
                kept.put(root, Boolean.TRUE);
            }
        }

        void consumed(Tensor t) {
            if (!enabled || t == null || !Memory.lentSince(t.data(), mark)) {
                return;
            }
            Object root = Memory.root(t.data());
            if (kept.containsKey(root) || sharedBy(pending.values(), root) || sharedBy(leafGrads.values(), root)
                    || (captured != null && sharedBy(Arrays.asList(captured), root))) {
                return;
            }
            Memory.release(t.data());
        }

        /**
         * Whether {@code t}, a pending gradient, may be added into in place: what {@link #consumed}
         * would give back (made during this pass, shown to no hook, captured by no caller, no leaf's
         * gradient), pending for one function only, a whole dense block of the pool, and not sharing
         * memory with {@code other}, the gradient to be added.
         */
        boolean ownsAlone(Tensor t, Tensor other) {
            INDArray a = t.data();
            if (!enabled || !Memory.lentSince(a, mark) || !Memory.isWholeBlock(a) || a.dataType() != other.data().dataType()) {
                return false;
            }
            Object root = Memory.root(a);
            if (kept.containsKey(root) || root == Memory.root(other.data()) || sharedBy(leafGrads.values(), root)
                    || (captured != null && sharedBy(Arrays.asList(captured), root))) {
                return false;
            }
            int holders = 0;
            for (Tensor h : pending.values()) {
                if (h != null && Memory.root(h.data()) == root) {
                    holders++;
                }
            }
            return holders == 1;
        }

        private static boolean sharedBy(Iterable<Tensor> held, Object root) {
            for (Tensor h : held) {
                if (h != null && Memory.root(h.data()) == root) {
                    return true;
                }
            }
            return false;
        }
    }

    /** leaf.grad += g. Without createGraph the grad owns a private copy, so optimizers may update it in place. */
    private static void accumulateIntoGrad(Tensor leaf, Tensor g, boolean createGraph) {
        Tensor old = leaf.grad();
        if (createGraph) {
            leaf.setGrad(old == null ? g : old.add(g));
        } else if (old == null || old.creator() != null) {
            INDArray own = g.data().dup('c');
            if (old != null) {
                own.addi(old.data());
            }
            leaf.setGrad(new Tensor(own));
        } else {
            KernelSelection.current().axpy(1, g.data(), old.data());
        }
    }

    /** {@code where} is the Function or leaf Tensor the hooks sit on; its text is built only for an error. */
    private static Tensor applyHooks(List<UnaryOperator<Tensor>> hooks, Tensor g, Object where) {
        for (UnaryOperator<Tensor> hook : hooks) {
            Tensor replaced = hook.apply(g);
            if (replaced != null) {
                if (!Arrays.equals(replaced.shape(), g.shape())) {
                    throw new IllegalStateException("hook on " + (where instanceof Function f ? f.label() : "leaf " + where) + " returned a gradient of shape " + Shapes.str(replaced.shape())
                            + " instead of " + Shapes.str(g.shape()));
                }
                g = replaced;
            }
        }
        return g;
    }

    private static void checkGradient(Function fn, int i, Tensor g) {
        long[] expected = fn.inputShape(i);
        if (!Arrays.equals(expected, g.shape())) {
            throw new IllegalStateException(fn.label() + ".backward returned a gradient of shape " + Shapes.str(g.shape())
                    + " for input " + i + " of shape " + Shapes.str(expected));
        }
        if (AnomalyMode.isEnabled() && !allFinite(g.data())) {
            throw new IllegalStateException("anomaly: " + fn.label() + ".backward produced NaN or infinity in the gradient of input " + i
                    + Shapes.str(expected) + "; its forward was called at " + fn.forwardSite());
        }
    }

    static boolean allFinite(INDArray a) {
        for (double v : new Tensor(a).toDoubleArray()) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** Every function reachable from the roots, consumers before producers. */
    static List<Function> reverseTopologicalOrder(Tensor[] roots) {
        Map<Function, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Function> stack = new ArrayDeque<>();
        for (Tensor r : roots) {
            if (r.creator() != null && seen.put(r.creator(), Boolean.TRUE) == null) {
                stack.push(r.creator());
            }
        }
        List<Function> all = new ArrayList<>();
        while (!stack.isEmpty()) {
            Function fn = stack.pop();
            all.add(fn);
            Function[] next = fn.nextFunctions();
            for (Function f : next) {
                if (f != null && seen.put(f, Boolean.TRUE) == null) {
                    stack.push(f);
                }
            }
        }
        all.sort(Comparator.comparingLong(Function::id).reversed());
        return all;
    }

    // ---------------------------------------------------------------- trace

    static PrintStream setTrace(PrintStream out) {
        PrintStream previous = TRACE.get();
        if (out == null) {
            TRACE.remove();
        } else {
            TRACE.set(out);
        }
        return previous;
    }

    private static String traceLine(Function fn, Tensor gy, Tensor[] gxs) {
        StringBuilder sb = new StringBuilder(fn.label()).append(" backward: gy").append(Shapes.str(gy.shape())).append(" -> ");
        String[] names = fn.inputNames();
        boolean first = true;
        for (int i = 0; i < gxs.length; i++) {
            if (gxs[i] == null || !fn.needsInputGrad(i)) {
                continue;
            }
            if (!first) {
                sb.append("; ");
            }
            first = false;
            String n = i < names.length ? names[i] : "in" + i;
            sb.append('g').append(n).append(Shapes.str(gxs[i].shape()));
            String how = fn.gradientFormula(i);
            if (!how.isEmpty()) {
                sb.append(" = ").append(how);
            }
        }
        return sb.toString();
    }
}
