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

    @Test
    void everyOptionIsCheckedBeforeAnyWork(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String[][] bad = {
            {"--epochs", "-1"}, {"--lr", "Infinity"}, {"--lr", "NaN"}, {"--momentum", "NaN"}, {"--batch-size", "0"},
            {"--profile", "yes"}, {"--save", dir.resolve("missing/x.safetensors").toString()}, {"--save", dir.toString()},
            {"--load", dir.resolve("none.safetensors").toString()}, {"--epochs", "0"}, {"--seed", "1.5"}
        };
        for (String[] args : bad) {
            // --data points nowhere: a check that came after data loading would fail differently
            String[] all = {args[0], args[1], "--data", dir.resolve("no-data").toString(), "--out", dir.resolve("out").toString()};
            assertThatThrownBy(() -> LeNet.main(all)).as(String.join(" ", args)).isInstanceOf(Options.Invalid.class)
                    .hasMessageStartingWith("lenet: --" + args[0].substring(2));
        }
        java.nio.file.Path locked = java.nio.file.Files.createDirectory(dir.resolve("locked"));
        if (locked.toFile().setWritable(false) && !java.nio.file.Files.isWritable(locked)) { // not when the tests run as root
            assertThatThrownBy(() -> LeNet.main(new String[] {"--save", locked.resolve("x.safetensors").toString()}))
                    .isInstanceOf(Options.Invalid.class).hasMessageContaining("cannot be written");
        }
    }
}
