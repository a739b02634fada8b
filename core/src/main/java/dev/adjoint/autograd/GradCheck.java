package dev.adjoint.autograd;

import dev.adjoint.DType;
import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Checks analytic gradients against central finite differences, in float64.
 *
 * <p>The function's output {@code y} is reduced to the scalar {@code L = sum(y * r)} with a fixed
 * random {@code r}, so every output element counts. For each input element,
 * {@code (L(x + eps) - L(x - eps)) / (2 eps)} is compared with the gradient from the engine;
 * a pair passes when {@code |analytic - numeric| <= atol + rtol * |numeric|} (PyTorch's defaults).
 */
public final class GradCheck {
    /** Which input, which flat index, and both values, for the worst element found. */
    public record Result(boolean passed, double maxAbsError, int input, long index, double analytic, double numeric) {
        @Override
        public String toString() {
            return (passed ? "gradcheck passed" : "gradcheck FAILED") + ": max |analytic - numeric| = " + maxAbsError
                    + " at input " + input + " element " + index + " (analytic " + analytic + ", numeric " + numeric + ")";
        }
    }

    /** A differentiable function of several tensors. */
    @FunctionalInterface
    public interface Fn {
        Tensor compute(Tensor... inputs);
    }

    private GradCheck() {
    }

    public static final double EPS = 1e-6;
    public static final double ATOL = 1e-5;
    public static final double RTOL = 1e-3;

    /** First-order check of {@code f} at the given float64 inputs (those requiring grad are checked). */
    public static Result check(Fn f, Tensor... inputs) {
        for (Tensor t : inputs) {
            if (t != null && t.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("GradCheck: inputs must be float64 for finite differences to be meaningful; got " + t);
            }
        }
        Tensor y0 = f.compute(inputs);
        Tensor r = Tensor.randn(12345, DType.FLOAT64, y0.shape());
        Fn scalar = xs -> f.compute(xs).mul(r).sum();

        Tensor[] wrt = requiring(inputs);
        Tensor[] analytic = Autograd.grad(new Tensor[] {scalar.compute(inputs)}, wrt, null, false, false);

        double worst = -1;
        Result result = new Result(true, 0, -1, -1, 0, 0);
        int k = 0;
        for (int i = 0; i < inputs.length; i++) {
            Tensor x = inputs[i];
            if (x == null || !x.requiresGrad()) {
                continue;
            }
            INDArray data = x.data();
            double[] a = analytic[k] == null ? new double[(int) x.numel()] : analytic[k].toDoubleArray();
            k++;
            INDArray flat = data.reshape(data.length());
            for (long j = 0; j < data.length(); j++) {
                double orig = flat.getDouble(j);
                double plus;
                double minus;
                // Grad mode stays on: a second-order check differentiates inside the function.
                flat.putScalar(j, orig + EPS);
                plus = scalar.compute(inputs).item();
                flat.putScalar(j, orig - EPS);
                minus = scalar.compute(inputs).item();
                flat.putScalar(j, orig);
                double numeric = (plus - minus) / (2 * EPS);
                double err = Math.abs(a[(int) j] - numeric);
                boolean ok = err <= ATOL + RTOL * Math.abs(numeric);
                double badness = ok ? err : Double.MAX_VALUE / 2 + err;
                if (badness > worst) {
                    worst = badness;
                    result = new Result(ok, err, i, j, a[(int) j], numeric);
                }
            }
        }
        if (!result.passed()) {
            return result;
        }
        return new Result(true, result.maxAbsError(), result.input(), result.index(), result.analytic(), result.numeric());
    }

    /**
     * Second-order check: the gradients of {@code sum(f * r)} (computed with createGraph) are
     * themselves checked against finite differences, so double backward is verified.
     */
    public static Result checkSecondOrder(Fn f, Tensor... inputs) {
        Tensor y0 = f.compute(inputs);
        Tensor r = Tensor.randn(777, DType.FLOAT64, y0.shape());
        Tensor[] wrt = requiring(inputs);
        Tensor[] v = new Tensor[wrt.length];
        for (int i = 0; i < wrt.length; i++) {
            v[i] = Tensor.randn(1000 + i, DType.FLOAT64, wrt[i].shape());
        }
        Fn gradDotV = xs -> {
            Tensor l = f.compute(xs).mul(r).sum();
            Tensor[] gs = Autograd.grad(new Tensor[] {l}, requiring(xs), null, true, true);
            Tensor total = null;
            for (int i = 0; i < gs.length; i++) {
                if (gs[i] == null) {
                    continue;
                }
                Tensor term = gs[i].mul(v[i]).sum();
                total = total == null ? term : total.add(term);
            }
            if (total == null) {
                throw new IllegalStateException("GradCheck: no input of the function influences its output");
            }
            return total;
        };
        return check(gradDotV, inputs);
    }

    /** Throws AssertionError with the worst element when the check fails. */
    public static void assertGradients(Fn f, Tensor... inputs) {
        Result r = check(f, inputs);
        if (!r.passed()) {
            throw new AssertionError(r + " for input shape " + Shapes.str(inputs[r.input()].shape()));
        }
    }

    /** Throws AssertionError when the second-order check fails. */
    public static void assertSecondOrder(Fn f, Tensor... inputs) {
        Result r = checkSecondOrder(f, inputs);
        if (!r.passed()) {
            throw new AssertionError("second order: " + r + " for input shape " + Shapes.str(inputs[r.input()].shape()));
        }
    }

    private static Tensor[] requiring(Tensor[] inputs) {
        int n = 0;
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                n++;
            }
        }
        Tensor[] out = new Tensor[n];
        int k = 0;
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                out[k++] = t;
            }
        }
        return out;
    }

    /** A float64 leaf with values uniform in [-1, 1), requiring grad: the usual gradcheck input. */
    public static Tensor input(long seed, long... shape) {
        Random rnd = new Random(seed);
        double[] v = new double[(int) Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextDouble() * 2 - 1;
        }
        return Tensor.of(DType.FLOAT64, v, shape).requiresGrad(true);
    }
}
