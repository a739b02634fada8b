package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.memory.Memory;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runs its children in order; they are named {@code 0, 1, ...} as in PyTorch. */
public final class Sequential extends Module {
    private final Module[] layers;

    public Sequential(Module... layers) {
        this.layers = layers.clone();
        for (int i = 0; i < layers.length; i++) {
            registerModule(Integer.toString(i), layers[i]);
        }
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        // Without a graph, an earlier built-in layer's output that x is a view of (Flatten's input)
        // goes back too, once a later output no longer shares its memory. With one, a graph saved
        // it and it goes back after backward; releasing it there measured slower (docs/PERFORMANCE.md).
        boolean releaseViewed = !GradMode.isEnabled();
        INDArray viewed = null;
        for (int i = 0; i < layers.length; i++) {
            Tensor y = layers[i].forward(x);
            if (i > 0 && isBuiltIn(layers[i - 1]) && isBuiltIn(layers[i])) {
                // x was made by a built-in layer and read by another, and nothing but this loop can
                // reach it: its memory goes back now unless a graph saved it or y shares it
                INDArray xd = x.data();
                INDArray yd = y.data();
                Memory.releaseIfUnshared(xd, yd);
                if (releaseViewed) {
                    Object yRoot = Memory.root(yd);
                    if (viewed != null && yRoot != Memory.root(viewed)) {
                        Memory.releaseIfUnshared(viewed, yd);
                        viewed = null;
                    }
                    if (viewed == null && yRoot != null && yRoot == Memory.root(xd)) {
                        viewed = xd; // y is a view of x: x goes back once a later output stops sharing it
                    }
                }
            } else {
                viewed = null;
            }
            x = y;
        }
        return x;
    }

    /** A layer of this library's own (not a user's subclass): it keeps no reference to its input or output. */
    private static boolean isBuiltIn(Module m) {
        return m.getClass().getPackageName().equals(Sequential.class.getPackageName());
    }

    /** The i-th layer. */
    public Module get(int i) {
        return layers[i];
    }

    public int size() {
        return layers.length;
    }

    @Override
    protected String describe() {
        return "Sequential";
    }
}
