package dev.adjoint.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The output of max pooling and, for each output element, the flat index in the input of the
 * element it took (what the backward pass scatters the gradient to). The argmax array comes from
 * {@link dev.adjoint.memory.IntArrays#take}: the Function that keeps it gives it back once nothing
 * will read it.
 */
public record MaxPoolResult(INDArray values, int[] argmax) {
}
