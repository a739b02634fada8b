package dev.adjoint.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adjoint.Tensor;
import dev.adjoint.layers.BatchNorm2d;
import dev.adjoint.layers.Conv2d;
import dev.adjoint.layers.Linear;
import dev.adjoint.layers.Sequential;
import dev.adjoint.optim.SGD;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
    @TempDir
    Path dir;

    static Sequential model() {
        return new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new Linear(3, 4));
    }

    @Test
    void roundTripRestoresEveryValue() throws IOException {
        Sequential a = model();
        a.forward(Tensor.rand(1, dev.adjoint.DType.FLOAT32, 2, 1, 5, 5)); // moves BatchNorm's running statistics off their defaults
        Path f = dir.resolve("m.safetensors");
        Checkpoints.save(a, f);
        Sequential b = model();
        Checkpoints.load(b, f);
        a.stateDict().forEach((k, v) -> assertThat(b.stateDict().get(k).toDoubleArray()).as(k).containsExactly(v.toDoubleArray()));
    }

    @Test
    void fileFollowsTheSafetensorsLayout() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Checkpoints.save(model(), f);
        byte[] all = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(all, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(n % 8).isZero();
        assertThat(header).contains("\"0.weight\":{\"dtype\":\"F32\",\"shape\":[2,1,3,3],\"data_offsets\":[0,72]}")
                .contains("\"1.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[]");
    }

    @Test
    void truncatedOrCorruptedFilesFailClearlyAndLeaveTheModelUnchanged() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Checkpoints.save(model(), f);
        byte[] all = Files.readAllBytes(f);
        Sequential target = model();
        double[] before = target.stateDict().get("0.weight").toDoubleArray();

        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, Arrays.copyOf(all, all.length - 10));
        assertThatThrownBy(() -> Checkpoints.load(target, truncated)).isInstanceOf(IOException.class).hasMessageContaining("truncated");

        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Checkpoints.load(target, tiny)).isInstanceOf(IOException.class).hasMessageContaining("8-byte");

        Path garbage = dir.resolve("garbage.safetensors");
        byte[] g = all.clone();
        g[9] = '#';
        Files.write(garbage, g);
        assertThatThrownBy(() -> Checkpoints.load(target, garbage)).isInstanceOf(IOException.class).hasMessageContaining("header");

        Path other = dir.resolve("other.safetensors");
        Checkpoints.save(new Sequential(new Linear(3, 4)), other);
        assertThatThrownBy(() -> Checkpoints.load(target, other)).isInstanceOf(IOException.class).hasMessageContaining("0.weight: shape [4, 3]").hasMessageContaining("missing 1.running_mean");
        assertThat(target.stateDict().get("0.weight").toDoubleArray()).containsExactly(before);
    }

    @Test
    void aFailedSaveLeavesTheOldFileIntact() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Checkpoints.save(model(), f);
        byte[] old = Files.readAllBytes(f);
        Map<String, Tensor> broken = new LinkedHashMap<>();
        broken.put("a", Tensor.ones(3));
        broken.put("b", new Tensor(Tensor.ones(2).data()) {
            @Override
            public double[] toDoubleArray() {
                throw new IllegalStateException("simulated crash while writing");
            }
        });
        assertThatThrownBy(() -> Checkpoints.write(broken, f)).hasMessageContaining("simulated crash");
        assertThat(Files.readAllBytes(f)).isEqualTo(old);
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("m.safetensors");
        }
    }

    @Test
    void optimizerStateRoundTrips() throws IOException {
        Sequential m = model();
        SGD sgd = new SGD(m.parameters(), 0.1, 0.9);
        m.parameters().forEach(p -> p.setGrad(Tensor.ones(p.shape())));
        sgd.step();
        Path f = dir.resolve("opt.safetensors");
        Checkpoints.save(sgd, f);
        SGD fresh = new SGD(m.parameters(), 0.5, 0.9);
        Checkpoints.load(fresh, f);
        assertThat(fresh.lr()).isEqualTo(0.1);
        assertThat(fresh.stateDict().keySet()).isEqualTo(sgd.stateDict().keySet());
    }
}
