package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.memory.Memory;

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
        for (int i = 0; i < layers.length; i++) {
            Tensor y = layers[i].forward(x);
            if (i > 0 && isBuiltIn(layers[i - 1]) && isBuiltIn(layers[i])) {
                // x was made by a built-in layer and read by another, and nothing but this loop can
                // reach it: its memory goes back now unless a graph saved it or y shares it
                Memory.releaseIfUnshared(x.data(), y.data());
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
