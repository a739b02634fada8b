package dev.adjoint.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class ExamplesTest {
    @Test
    void everyCheckOfTheTourHolds() {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        int failures;
        try {
            failures = Tour.run();
        } finally {
            System.setOut(old);
        }
        assertThat(failures).as(out.toString()).isZero();
        assertThat(out.toString()).contains("[ok] matrix of convTranspose1d == A^T").contains("= convTranspose2d(gy, w");
    }

    @Test
    void modelsHaveTheirDocumentedShapes() {
        assertThat(LeNet.model().forward(Tensor.zeros(3, 1, 28, 28)).shape()).containsExactly(3, 10);
        assertThat(LeNet.model().parameterCount()).isEqualTo(61_706);
        assertThat(Autoencoder.model().forward(Tensor.zeros(2, 1, 28, 28)).shape()).containsExactly(2, 1, 28, 28);
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 1, 28, 28);
        assertThat(Autoencoder.model().forward(x).toDoubleArray()[0]).isBetween(0.0, 1.0);
    }

    @Test
    void optionsRejectUnknownFlagsAndBadNumbers() {
        Options o = new Options("x", "test").option("epochs", "1", "n");
        assertThatThrownBy(() -> o.parse(new String[] {"--epoch", "2"})).hasMessageContaining("unknown option '--epoch'");
        o.parse(new String[] {"--epochs", "two"});
        assertThatThrownBy(() -> o.getInt("epochs")).hasMessageContaining("whole number");
    }
}
