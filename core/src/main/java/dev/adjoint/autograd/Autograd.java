package dev.adjoint.autograd;

import dev.adjoint.Tensor;
import java.io.PrintStream;

/** Entry points of the autograd engine besides {@code Tensor.backward()}. */
public final class Autograd {
    private Autograd() {
    }

    /**
     * Gradients of the outputs with respect to the inputs, returned rather than accumulated into
     * {@code grad} (PyTorch's {@code torch.autograd.grad}).
     *
     * @param gradOutputs one per output, or null for scalar outputs (implicit 1)
     * @param retainGraph keep the saved tensors so the graph can be walked again
     * @param createGraph record the backward pass so the returned gradients can be differentiated
     * @return one gradient per input; null where an input does not influence the outputs
     */
    public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, Tensor[] gradOutputs, boolean retainGraph, boolean createGraph) {
        Tensor[] gs = new Tensor[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            gs[i] = Engine.rootGradient("grad", outputs[i], gradOutputs == null ? null : gradOutputs[i]);
        }
        for (Tensor in : inputs) {
            if (!in.requiresGrad()) {
                throw new IllegalArgumentException("grad: input " + in + " does not require grad");
            }
        }
        return Engine.run(outputs, gs, retainGraph, createGraph, inputs);
    }

    /** Shorthand: gradient of one scalar output with respect to the inputs. */
    public static Tensor[] grad(Tensor output, Tensor... inputs) {
        return grad(new Tensor[] {output}, inputs, null, false, false);
    }

    /**
     * Prints every backward step as it runs, until the returned scope is closed:
     * <pre>{@code try (var t = Autograd.trace(System.out)) { loss.backward(); }}</pre>
     */
    public static Trace trace(PrintStream out) {
        return new Trace(Engine.setTrace(out));
    }

    /** Restores the previous trace destination when closed. */
    public static final class Trace implements AutoCloseable {
        private final PrintStream previous;

        Trace(PrintStream previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            Engine.setTrace(previous);
        }
    }
}
