package dev.adjoint.ops;

import dev.adjoint.Tensor;

/**
 * What {@code max(dim)} and {@code topk} return, as PyTorch's named tuple: the values (differentiable:
 * the gradient goes to the picked positions) and their indices along the dimension (whole numbers in
 * a float tensor, not differentiable; {@link Tensor#toIntArray()} reads them).
 */
public record ValuesAndIndices(Tensor values, Tensor indices) {
}
