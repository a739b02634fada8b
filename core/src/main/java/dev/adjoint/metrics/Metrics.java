package dev.adjoint.metrics;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;

/**
 * Classification metrics from logits {@code [N, C]} (or probabilities: only their order counts) and
 * class indices, as a training script computes them after each epoch: accuracy, top-k accuracy and
 * the confusion matrix. Not differentiable; read under {@code GradMode.disabled()} or not, alike.
 */
public final class Metrics {
    private Metrics() {
    }

    /** The fraction of rows whose largest logit is at the label (the first of tied maxima counts). */
    public static double accuracy(Tensor logits, int[] labels) {
        return topKAccuracy(logits, labels, 1);
    }

    /** The number of rows whose largest logit is at the label. */
    public static int correct(Tensor logits, int[] labels) {
        check("correct", logits, labels);
        int[] predicted = logits.argmax(1).toIntArray();
        int right = 0;
        for (int i = 0; i < labels.length; i++) {
            right += predicted[i] == labels[i] ? 1 : 0;
        }
        return right;
    }

    /** The fraction of rows whose label is among the {@code k} largest logits. */
    public static double topKAccuracy(Tensor logits, int[] labels, int k) {
        check("topKAccuracy", logits, labels);
        int[] top = logits.topk(k, 1).indices().toIntArray();
        int right = 0;
        for (int i = 0; i < labels.length; i++) {
            for (int j = 0; j < k; j++) {
                if (top[i * k + j] == labels[i]) {
                    right++;
                    break;
                }
            }
        }
        return right / (double) labels.length;
    }

    /** {@code m[label][predicted]}: how often class {@code label} was predicted as {@code predicted}. */
    public static long[][] confusionMatrix(Tensor logits, int[] labels) {
        check("confusionMatrix", logits, labels);
        int classes = (int) logits.size(1);
        long[][] m = new long[classes][classes];
        int[] predicted = logits.argmax(1).toIntArray();
        for (int i = 0; i < labels.length; i++) {
            m[labels[i]][predicted[i]]++;
        }
        return m;
    }

    private static void check(String op, Tensor logits, int[] labels) {
        if (logits.dim() != 2 || logits.size(0) != labels.length || labels.length == 0) {
            throw new IllegalArgumentException("Metrics." + op + ": logits must be [N, C] with N = " + labels.length + " labels (N > 0), got "
                    + Shapes.str(logits.shape()));
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= logits.size(1)) {
                throw new IllegalArgumentException("Metrics." + op + ": label " + i + " is " + labels[i] + ", outside the " + logits.size(1)
                        + " classes of logits " + Shapes.str(logits.shape()));
            }
        }
    }
}
