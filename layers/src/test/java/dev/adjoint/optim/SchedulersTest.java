package dev.adjoint.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adjoint.Tensor;
import dev.adjoint.layers.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every scheduler's learning rates over 100 steps against PyTorch 1.13's
 * ({@code examples/pytorch/make_scheduler_reference.py} wrote {@code schedulers.json}): SGD at lr 0.1,
 * the rate after construction and after each step.
 */
class SchedulersTest {
    @TestFactory
    Stream<DynamicTest> learningRatesMatchPyTorchFor100Steps() throws IOException {
        JsonNode cases = new ObjectMapper().readTree(Path.of("src/test/resources/schedulers.json").toFile());
        assertThat(cases.size()).isEqualTo(9);
        return java.util.stream.StreamSupport.stream(cases.spliterator(), false)
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText() + " " + c.get("args"), () -> check(c)));
    }

    private static void check(JsonNode c) {
        SGD opt = new SGD(List.of(new Parameter(Tensor.zeros(1).data())), 0.1, 0.9);
        JsonNode a = c.get("args");
        JsonNode want = c.get("lrs");
        String name = c.get("name").asText();
        if (name.equals("ReduceLROnPlateau")) {
            ReduceLROnPlateau r = new ReduceLROnPlateau(opt, a.get("factor").asDouble(), a.get("patience").asInt(), 1e-4, a.get("cooldown").asInt(),
                    a.get("min_lr").asDouble(), 1e-8);
            assertThat(opt.lr()).isEqualTo(want.get(0).asDouble());
            for (int i = 0; i < 100; i++) {
                r.step(c.get("metrics").get(i).asDouble());
                assertThat(opt.lr()).as("after step " + (i + 1)).isCloseTo(want.get(i + 1).asDouble(), within(1e-15));
            }
            return;
        }
        LRScheduler s = switch (name) {
            case "StepLR" -> new StepLR(opt, a.get("step_size").asInt(), a.get("gamma").asDouble());
            case "MultiStepLR" -> new MultiStepLR(opt, ints(a.get("milestones")), a.get("gamma").asDouble());
            case "CosineAnnealingLR" -> a.has("eta_min") ? new CosineAnnealingLR(opt, a.get("T_max").asInt(), a.get("eta_min").asDouble())
                    : new CosineAnnealingLR(opt, a.get("T_max").asInt());
            case "LambdaLR" -> new LambdaLR(opt, e -> Math.pow(0.95, e));
            case "LinearLR" -> new LinearLR(opt, a.get("start_factor").asDouble(), a.get("end_factor").asDouble(), a.get("total_iters").asInt());
            case "SequentialLR" -> new SequentialLR(opt, new LRScheduler[] {new LinearLR(opt, 0.1, 1.0, 5), new CosineAnnealingLR(opt, 95)},
                    ints(a.get("milestones")));
            case "OneCycleLR" -> new OneCycleLR(opt, a.get("max_lr").asDouble(), a.get("total_steps").asInt());
            default -> throw new AssertionError("unknown scheduler " + name);
        };
        assertThat(opt.lr()).as("after construction").isCloseTo(want.get(0).asDouble(), within(1e-12));
        for (int i = 0; i < 100; i++) {
            s.step();
            // PyTorch computes several of these recursively (chainable form); the closed forms here agree to rounding
            assertThat(s.lastLr()).as(name + " after step " + (i + 1)).isCloseTo(want.get(i + 1).asDouble(), within(1e-12));
        }
        assertThat(s.epoch()).isEqualTo(100);
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    @Test
    void badArgumentsAreNamed() {
        SGD opt = new SGD(List.of(new Parameter(Tensor.zeros(1).data())), 0.1);
        assertThatThrownBy(() -> new LinearLR(opt, 0, 1, 5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LinearLR");
        assertThatThrownBy(() -> new OneCycleLR(opt, 0.1, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("totalSteps");
        assertThatThrownBy(() -> new SequentialLR(opt, new LRScheduler[] {new StepLR(opt, 2)}, new int[] {3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("milestones");
        assertThatThrownBy(() -> new ReduceLROnPlateau(opt, 1.5, 1, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("factor");
    }
}
