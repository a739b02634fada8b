package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/**
 * Loss functions as objects, as {@code torch.nn.CrossEntropyLoss()} etc. All reduce with the mean.
 * Classification losses take class indices as {@code int[]} (or a tensor of whole numbers).
 */
public final class Losses {
    private Losses() {
    }

    /** A loss of a prediction and a target. */
    @FunctionalInterface
    public interface Loss {
        Tensor forward(Tensor input, Tensor target);
    }

    /** Cross-entropy from logits {@code [N, C]} and class indices. */
    public static final class CrossEntropyLoss implements Loss {
        public Tensor forward(Tensor logits, int[] target) {
            return F.crossEntropy(logits, target);
        }

        @Override
        public Tensor forward(Tensor logits, Tensor target) {
            return F.crossEntropy(logits, classIndices(target));
        }

        @Override
        public String toString() {
            return "CrossEntropyLoss()";
        }
    }

    /** Negative log-likelihood of log-probabilities {@code [N, C]} and class indices. */
    public static final class NLLLoss implements Loss {
        public Tensor forward(Tensor logProbs, int[] target) {
            return F.nllLoss(logProbs, target);
        }

        @Override
        public Tensor forward(Tensor logProbs, Tensor target) {
            return F.nllLoss(logProbs, classIndices(target));
        }

        @Override
        public String toString() {
            return "NLLLoss()";
        }
    }

    /** Mean squared error. */
    public static final class MSELoss implements Loss {
        @Override
        public Tensor forward(Tensor input, Tensor target) {
            return F.mseLoss(input, target);
        }

        @Override
        public String toString() {
            return "MSELoss()";
        }
    }

    /** Mean absolute error. */
    public static final class L1Loss implements Loss {
        @Override
        public Tensor forward(Tensor input, Tensor target) {
            return F.l1Loss(input, target);
        }

        @Override
        public String toString() {
            return "L1Loss()";
        }
    }

    /** Binary cross-entropy on logits, numerically stable. */
    public static final class BCEWithLogitsLoss implements Loss {
        @Override
        public Tensor forward(Tensor logits, Tensor target) {
            return F.binaryCrossEntropyWithLogits(logits, target);
        }

        @Override
        public String toString() {
            return "BCEWithLogitsLoss()";
        }
    }

    /** Binary cross-entropy of probabilities, each log clamped at -100 as PyTorch's {@code nn.BCELoss}. */
    public static final class BCELoss implements Loss {
        @Override
        public Tensor forward(Tensor probabilities, Tensor target) {
            return F.binaryCrossEntropy(probabilities, target);
        }

        @Override
        public String toString() {
            return "BCELoss()";
        }
    }

    /** Whole-number values of a 1-D tensor as class indices; rejects fractions. */
    public static int[] classIndices(Tensor target) {
        return F.classIndices("loss", target);
    }
}
