package dev.adjoint.kernels;

/** The four elementwise arithmetic ops with NumPy broadcasting ({@link Kernels#binary}). */
public enum BinaryOp {
    ADD, SUB, MUL, DIV
}
