package dev.adjoint.layers;

import dev.adjoint.Tensor;

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
        for (Module m : layers) {
            x = m.forward(x);
        }
        return x;
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
