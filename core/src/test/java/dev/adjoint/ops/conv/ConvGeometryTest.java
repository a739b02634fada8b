package dev.adjoint.ops.conv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.ops.F;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every invalid configuration throws IllegalArgumentException naming the argument, before any computation. */
class ConvGeometryTest {
    static Tensor t(long... shape) {
        return Tensor.zeros(DType.FLOAT64, shape);
    }

    static void rejects(Runnable call, String... mustMention) {
        assertThatThrownBy(call::run).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> {
                    for (String m : mustMention) {
                        assertThat(e.getMessage()).contains(m);
                    }
                    // thrown while validating, by the geometry: no kernel class is on the stack (it used to look for a class
                    // named ConvKernels, which no longer exists, so the check could not fail)
                    assertThat(Arrays.stream(e.getStackTrace()).map(StackTraceElement::getClassName))
                            .as("frames of the exception").noneMatch(c -> c.startsWith("dev.adjoint.kernels."))
                            .anyMatch(c -> c.equals(ConvGeometry.class.getName()) || c.equals(F.class.getName()));
                });
    }

    @Test
    void outputSizesFollowPyTorch() {
        ConvGeometry g = ConvGeometry.conv("conv2d", new long[] {1, 3, 28, 28}, new long[] {6, 3, 5, 5}, null, new int[] {1, 2},
                new int[] {2, 0}, new int[] {1, 1}, 1);
        assertThat(g.outputSize).containsExactly(28, 12);
        ConvGeometry t = ConvGeometry.convTranspose("convTranspose2d", new long[] {1, 32, 7, 7}, new long[] {32, 16, 3, 3}, null,
                new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1);
        assertThat(t.outputSize).containsExactly(14, 14);
        assertThat(t.outputShape()).containsExactly(1, 16, 14, 14);
    }

    @Test
    void badArgumentsAreNamed() {
        int[] one = {1, 1};
        int[] zero = {0, 0};
        rejects(() -> F.conv2d(t(1, 2, 5, 5), t(3, 2, 3, 3), null, new int[] {0, 1}, zero, one, 1), "conv2d", "stride", "[0, 1]");
        rejects(() -> F.conv2d(t(1, 2, 5, 5), t(3, 2, 3, 3), null, one, new int[] {-1, 0}, one, 1), "padding", "[-1, 0]");
        rejects(() -> F.conv2d(t(1, 2, 5, 5), t(3, 2, 3, 3), null, one, zero, new int[] {1, 0}, 1), "dilation");
        rejects(() -> F.conv2d(t(1, 3, 5, 5), t(4, 3, 3, 3), null, one, zero, one, 2), "groups=2", "[1, 3, 5, 5]");
        rejects(() -> F.conv2d(t(1, 3, 5, 5), t(4, 2, 3, 3), null, one, zero, one, 1), "input channels", "[4, 2, 3, 3]");
        rejects(() -> F.conv2d(t(1, 2, 2, 2), t(4, 2, 3, 3), null, one, zero, one, 1), "kernel", "padded input");
        rejects(() -> F.conv2d(t(1, 2, 5, 5), t(4, 2, 3, 3), t(3), one, zero, one, 1), "bias", "[3]");
        rejects(() -> F.conv2d(t(2, 5, 5), t(4, 2, 3, 3), null, one, zero, one, 1), "4-D", "[2, 5, 5]");
        rejects(() -> F.conv1d(t(1, 2, 5), t(4, 2, 3), null, one, new int[] {0}, new int[] {1}, 1), "stride", "1 entry");
        rejects(() -> F.convTranspose2d(t(1, 2, 3, 3), t(2, 2, 3, 3), null, new int[] {2, 2}, zero, new int[] {2, 2}, one, 1),
                "outputPadding", "[2, 2]");
        rejects(() -> F.convTranspose1d(t(1, 2, 4), t(2, 3, 3), null, new int[] {1}, new int[] {0}, new int[] {1}, new int[] {1}, 1),
                "outputPadding");
        rejects(() -> F.convTranspose2d(t(1, 3, 4, 4), t(3, 2, 3, 3), null, one, new int[] {3, 3}, zero, one, 1), "padding", "output size");
        rejects(() -> F.convTranspose2d(t(1, 3, 4, 4), t(2, 2, 3, 3), null, one, zero, zero, one, 1), "input channels");
        rejects(() -> F.convTransposeExplained(t(1, 2, 3, 3), t(2, 2, 3, 3), null, new int[] {2, 2}, zero, new int[] {2, 2}, one, 1),
                "outputPadding");
    }

    @Test
    void outputPaddingBelowDilationIsAllowedAsInPyTorch() {
        Tensor y = F.convTranspose1d(t(1, 1, 3), t(1, 1, 2), null, new int[] {1}, new int[] {0}, new int[] {1}, new int[] {2}, 1);
        assertThat(y.shape()).containsExactly(1, 1, 6);
    }
}
