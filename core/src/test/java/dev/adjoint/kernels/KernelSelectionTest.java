package dev.adjoint.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.ops.F;
import org.junit.jupiter.api.Test;

/** Which kernels run: the property, the programmatic switch, and a bad value. Runs in both surefire executions. */
class KernelSelectionTest {
    @Test
    void thePropertyChoosesTheKernels() {
        String wanted = System.getProperty(KernelSelection.PROPERTY, "fast");
        assertThat(KernelSelection.current().name()).isEqualTo(wanted);
    }

    @Test
    void useSwitchesForEveryCallUntilClosed() {
        Kernels before = KernelSelection.current();
        Kernels other = before == KernelSelection.reference() ? KernelSelection.fast() : KernelSelection.reference();
        Tensor x = Tensor.randn(1, DType.FLOAT64, 2, 3, 5, 5);
        Tensor w = Tensor.randn(2, DType.FLOAT64, 4, 3, 3, 3);
        double[] y1 = F.conv2d(x, w, null, 1, 1).toDoubleArray();
        try (KernelSelection.Scope s = KernelSelection.use(other)) {
            assertThat(KernelSelection.current()).isSameAs(other);
            double[] y2 = F.conv2d(x, w, null, 1, 1).toDoubleArray();
            for (int i = 0; i < y1.length; i++) {
                assertThat(y2[i]).isCloseTo(y1[i], org.assertj.core.data.Offset.offset(1e-12));
            }
        }
        assertThat(KernelSelection.current()).isSameAs(before);
    }

    @Test
    void anUnknownNameIsRejected() {
        assertThatThrownBy(() -> KernelSelection.fromProperty("turbo")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("adjoint.kernels=turbo").hasMessageContaining("reference");
        assertThat(KernelSelection.fromProperty(" Reference ")).isSameAs(KernelSelection.reference());
    }
}
