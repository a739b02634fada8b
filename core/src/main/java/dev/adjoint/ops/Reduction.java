package dev.adjoint.ops;

/** How a loss reduces its per-element values, as PyTorch's {@code reduction=}: the mean (the default), the sum, or none. */
public enum Reduction {
    MEAN, SUM, NONE
}
