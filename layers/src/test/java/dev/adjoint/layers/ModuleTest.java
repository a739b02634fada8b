package dev.adjoint.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleTest {
    static Sequential lenet() {
        return new Sequential(
                new Conv2d(1, 6, 5, 1, 2), new ReLU(), new MaxPool2d(2),
                new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2), new Flatten(),
                new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10));
    }

    @Test
    void namesFollowPyTorchAndCountsMatch() {
        Sequential m = lenet();
        assertThat(m.namedParameters().keySet()).containsExactly("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias",
                "9.weight", "9.bias", "11.weight", "11.bias");
        assertThat(m.parameterCount()).isEqualTo(61_706); // torch: sum(p.numel() for p in lenet.parameters())
        assertThat(m.toString()).contains("(0) Conv2d(1, 6, kernel=[5, 5], padding=[2, 2])  weight[6, 1, 5, 5]  bias[6]  156")
                .contains("61,706 parameters");
        Tensor y = m.forward(Tensor.zeros(2, 1, 28, 28));
        assertThat(y.shape()).containsExactly(2, 10);
    }

    @Test
    void batchNormBuffersAreInTheStateDictAndModesPropagate() {
        BatchNorm2d bn = new BatchNorm2d(3);
        Sequential m = new Sequential(new Conv2d(1, 3, 3), bn);
        assertThat(m.stateDict().keySet()).containsExactly("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "1.num_batches_tracked");
        m.eval();
        assertThat(bn.isTraining()).isFalse();
        m.train();
        assertThat(bn.isTraining()).isTrue();
    }

    @Test
    void defaultInitialisationIsKaimingUniformAndSeeded() {
        Init.manualSeed(3);
        Linear a = new Linear(400, 120);
        Init.manualSeed(3);
        Linear b = new Linear(400, 120);
        assertThat(a.weight.toDoubleArray()).containsExactly(b.weight.toDoubleArray());
        double bound = 1 / Math.sqrt(400);
        double max = 0;
        for (double v : a.weight.toDoubleArray()) {
            max = Math.max(max, Math.abs(v));
        }
        assertThat(max).isLessThanOrEqualTo(bound).isGreaterThan(bound * 0.99);
        assertThat(Init.fans(new long[] {16, 6, 5, 5})).containsExactly(150, 400);
        Tensor t = Tensor.zeros(DType.FLOAT64, 200, 300);
        Init.kaimingNormal(t);
        double[] v = t.toDoubleArray();
        double sq = 0;
        for (double x : v) {
            sq += x * x;
        }
        assertThat(Math.sqrt(sq / v.length)).isCloseTo(Math.sqrt(2.0 / 300), within(0.002));
    }

    @Test
    void loadStateDictChecksEverythingBeforeWriting() {
        Sequential m = lenet();
        Map<String, Tensor> state = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> state.put(k, v.copy()));
        state.get("0.weight").data().assign(7);
        state.put("9.bias", Tensor.zeros(83)); // wrong shape
        double before = m.namedParameters().get("0.weight").toDoubleArray()[0];
        assertThatThrownBy(() -> m.loadStateDict(state)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("9.bias").hasMessageContaining("[83]").hasMessageContaining("[84]");
        assertThat(m.namedParameters().get("0.weight").toDoubleArray()[0]).isEqualTo(before);
        state.put("9.bias", Tensor.zeros(84));
        state.put("extra", Tensor.zeros(1));
        assertThatThrownBy(() -> m.loadStateDict(state)).hasMessageContaining("unexpected extra");
        state.remove("extra");
        m.loadStateDict(state);
        assertThat(m.namedParameters().get("0.weight").toDoubleArray()[0]).isEqualTo(7);
    }

    @Test
    void dropoutIsSeededScalesAndIsIdentityInEval() {
        Dropout d = new Dropout(0.5, 42);
        Tensor x = Tensor.ones(1000);
        double[] y = d.forward(x).toDoubleArray();
        int zeros = 0;
        for (double v : y) {
            assertThat(v == 0 || v == 2).isTrue();
            zeros += v == 0 ? 1 : 0;
        }
        assertThat(zeros).isBetween(430, 570);
        assertThat(new Dropout(0.5, 42).forward(x).toDoubleArray()).containsExactly(y);
        d.eval();
        assertThat(d.forward(x)).isSameAs(x);
    }

    @Test
    void batchNormTracksRunningStatisticsLikePyTorch() {
        BatchNorm2d bn = new BatchNorm2d(1, 1e-5, 0.1, true);
        // one channel, values 1, 2, 3, 4: mean 2.5, biased var 1.25, unbiased var 5/3
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 4, 1, 1, 1);
        Tensor y = bn.forward(x);
        assertThat(bn.runningMean.item()).isCloseTo(0.25, within(1e-6));
        assertThat(bn.runningVar.item()).isCloseTo(0.9 + 0.1 * 5 / 3.0, within(1e-6));
        assertThat(y.toDoubleArray()[0]).isCloseTo(-1.5 / Math.sqrt(1.25 + 1e-5), within(1e-5));
        bn.eval();
        Tensor z = bn.forward(x);
        assertThat(z.toDoubleArray()[0]).isCloseTo((1 - 0.25) / Math.sqrt(bn.runningVar.item() + 1e-5), within(1e-5));
    }

    /** A custom module written the PyTorch way: members are plain fields, nothing registered by hand. */
    static final class Block extends Module {
        final Conv2d conv = new Conv2d(2, 4, 3, 1, 1);
        final BatchNorm2d bn = new BatchNorm2d(4);
        final Parameter scale = new Parameter(Tensor.ones(4).data());
        Module head; // assigned after construction, as `self.head = ...` later in PyTorch
        final Module notAMember = null;

        @Override
        public Tensor forward(Tensor x) {
            Tensor y = bn.forward(conv.forward(x)).mul(scale.reshape(1, 4, 1, 1));
            return head == null ? y : head.forward(y);
        }
    }

    /** Explicit registration under another name wins over the field's name. */
    static final class Renamed extends Module {
        final Linear fc = registerModule("classifier", new Linear(3, 2));

        @Override
        public Tensor forward(Tensor x) {
            return fc.forward(x);
        }
    }

    @Test
    void fieldsRegisterThemselvesInDeclarationOrder() {
        Init.manualSeed(0);
        Block b = new Block();
        // torch: a module with self.conv, self.bn, self.scale has exactly these keys, in this order
        assertThat(b.stateDict().keySet()).containsExactly("scale", "conv.weight", "conv.bias", "bn.weight", "bn.bias", "bn.running_mean",
                "bn.running_var", "bn.num_batches_tracked");
        assertThat(b.parameters()).hasSize(5);
        b.eval();
        assertThat(b.bn.isTraining()).as("eval() reaches a BatchNorm held in a field").isFalse();
        b.head = new Linear(8, 2);
        assertThat(b.namedParameters().keySet()).contains("head.weight", "head.bias");
        assertThat(b.namedModules().keySet()).containsExactly("", "conv", "bn", "head");
        assertThat(b.toString()).contains("(conv) Conv2d(2, 4").contains("(bn) BatchNorm2d(4");

        Renamed r = new Renamed();
        assertThat(r.stateDict().keySet()).containsExactly("classifier.weight", "classifier.bias");
    }

    @Test
    void applyVisitsChildrenFirstThenTheModule() {
        Sequential m = new Sequential(new Linear(2, 3), new Sequential(new ReLU(), new Linear(3, 1)));
        java.util.List<String> seen = new java.util.ArrayList<>();
        m.forEachModule(x -> seen.add(x.getClass().getSimpleName()));
        assertThat(seen).containsExactly("Linear", "ReLU", "Linear", "Sequential", "Sequential");
        m.forEachModule(x -> {
            if (x instanceof Linear l) {
                l.bias.data().assign(0);
            }
        });
        assertThat(((Linear) m.get(0)).bias.toDoubleArray()).containsOnly(0.0);
        assertThat(m.modules()).hasSize(5);
    }

    @Test
    void aNonStrictLoadReportsMissingAndUnexpectedKeysAndLoadsTheRest() {
        Init.manualSeed(0);
        Sequential source = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
        Init.manualSeed(1);
        Sequential target = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 5));
        Map<String, Tensor> state = new LinkedHashMap<>(source.stateDict());
        state.remove("2.weight");
        state.remove("2.bias");
        state.put("extra", Tensor.zeros(1));
        // torch: target.load_state_dict(state, strict=False) -> missing_keys ['2.weight', '2.bias'], unexpected_keys ['extra']
        Module.IncompatibleKeys keys = target.loadStateDict(state, false);
        assertThat(keys.missingKeys()).containsExactly("2.weight", "2.bias");
        assertThat(keys.unexpectedKeys()).containsExactly("extra");
        assertThat(target.stateDict().get("0.weight").toDoubleArray()).containsExactly(source.stateDict().get("0.weight").toDoubleArray());
        assertThatThrownBy(() -> target.loadStateDict(state, true)).hasMessageContaining("missing 2.weight").hasMessageContaining("unexpected extra");
        state.put("2.weight", Tensor.zeros(3, 4));
        assertThatThrownBy(() -> target.loadStateDict(state, false)).as("a wrong shape is an error even when not strict")
                .hasMessageContaining("2.weight: shape [3, 4]");
    }

    @Test
    void poolingTakesPyTorchsPositionalStrideAndCloneStaysInTheGraph() {
        Tensor x = Tensor.randn(3, DType.FLOAT64, 1, 1, 6, 6);
        // torch: nn.MaxPool2d(3, 2)(x).shape == [1, 1, 2, 2]; nn.MaxPool2d(3, 2, 1) -> [1, 1, 3, 3]; nn.AvgPool2d(2, 1) -> [1, 1, 5, 5]
        assertThat(new MaxPool2d(3, 2).forward(x).shape()).containsExactly(1, 1, 2, 2);
        assertThat(new MaxPool2d(3, 2, 1).forward(x).shape()).containsExactly(1, 1, 3, 3);
        assertThat(new AvgPool2d(2, 1).forward(x).shape()).containsExactly(1, 1, 5, 5);
        Tensor a = Tensor.of(DType.FLOAT64, new double[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor c = a.clone();
        assertThat(c.data()).isNotSameAs(a.data());
        c.mul(c).sum().backward();
        assertThat(a.grad().toDoubleArray()).containsExactly(2, 4, 6);
        assertThat(a.copy().requiresGrad()).isFalse();
    }

    static final class WithContainers extends Module {
        final ModuleList blocks = new ModuleList(new Linear(2, 2), new Linear(2, 3));
        final ModuleDict heads = new ModuleDict().put("cls", new Linear(3, 4));

        @Override
        public Tensor forward(Tensor x) {
            for (Module b : blocks) {
                x = b.forward(x);
            }
            return heads.get("cls").forward(x);
        }
    }

    @Test
    void moduleListAndDictNameTheirMembersAsPyTorch() {
        WithContainers m = new WithContainers();
        // torch: nn.ModuleList([Linear(2,2), Linear(2,3)]) as self.blocks, nn.ModuleDict({'cls': Linear(3,4)}) as self.heads
        assertThat(m.stateDict().keySet()).containsExactly("blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias",
                "heads.cls.weight", "heads.cls.bias");
        assertThat(m.forward(Tensor.zeros(5, 2)).shape()).containsExactly(5, 4);
        assertThatThrownBy(() -> m.heads.get("box")).hasMessageContaining("no module named 'box'");
    }
}
