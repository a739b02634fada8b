package dev.adjoint.optim;

import dev.adjoint.Tensor;
import dev.adjoint.kernels.Settings;
import dev.adjoint.autograd.GradMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Updates parameters from their gradients, in place, under no-grad. Subclasses implement
 * {@link #update} for one parameter; per-parameter state (momentum, moments) lives in named
 * buffers so that {@link #stateDict()} can save it and {@link #loadStateDict} restore it.
 */
public abstract class Optimizer {
    protected final List<? extends Tensor> params;
    /** The learning rate of the parameter being updated (its group's), read by {@link #update}. */
    protected double lr;
    private final List<Map<String, INDArray>> state = new ArrayList<>();
    protected long steps;
    /** The groups, each with its learning rate; one group when made from a list of parameters. */
    private final List<ParamGroup> groups;
    private final double[] groupLr;
    private final double[] initialLr;
    private final int[] groupOf;
    /** The group of the parameter being updated. */
    private ParamGroup current;

    protected Optimizer(List<? extends Tensor> params, double lr) {
        this(ParamGroups.of(ParamGroup.of(params)), lr);
    }

    /** With parameter groups: a group's own lr (and its other settings) override the optimizer's. */
    protected Optimizer(ParamGroups paramGroups, double lr) {
        List<Tensor> params = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int g = 0; g < paramGroups.groups.size(); g++) {
            for (Tensor p : paramGroups.groups.get(g).params) {
                params.add(p);
                owner.add(g);
            }
        }
        this.groups = paramGroups.groups;
        this.groupLr = new double[groups.size()];
        this.initialLr = new double[groups.size()];
        java.util.Arrays.fill(initialLr, Double.NaN);
        this.groupOf = owner.stream().mapToInt(Integer::intValue).toArray();
        for (int g = 0; g < groups.size(); g++) {
            groupLr[g] = groups.get(g).lr != null ? groups.get(g).lr : lr;
            checkLr(groupLr[g]);
        }
        if (params.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameters to optimize");
        }
        checkLr(lr);
        Settings.checkAll(); // a mistyped -Dadjoint.* property fails here, not halfway through the first step()
        java.util.Map<Tensor, Integer> seen = new java.util.IdentityHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (!p.isLeaf() || !p.requiresGrad()) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": " + p + " is not a leaf that requires grad");
            }
            Integer before = seen.put(p, i);
            if (before != null) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter " + i + " is the same tensor as parameter " + before
                        + " (" + p + "); each would be stepped twice per step. Pass every parameter once (Module.parameters() does)");
            }
            state.add(new LinkedHashMap<>());
        }
        this.params = params;
        this.lr = groupLr[0];
    }

    /** The group setting {@code option} of the parameter being updated, or {@code fallback} when its group leaves it to the optimizer. */
    protected final double groupOption(String option, double fallback) {
        Double v = current == null ? null : switch (option) {
            case "momentum" -> current.momentum;
            case "weight_decay" -> current.weightDecay;
            default -> throw new IllegalArgumentException("unknown group option " + option);
        };
        return v == null ? fallback : v;
    }

    /** How many parameter groups this optimizer has. */
    public int groupCount() {
        return groups.size();
    }

    /** The learning rate of group {@code g}. */
    public double lr(int g) {
        return groupLr[g];
    }

    /** Sets the learning rate of group {@code g} (what a scheduler does for each group). */
    public void setLr(int g, double value) {
        checkLr(value);
        groupLr[g] = value;
        if (g == 0) {
            lr = value;
        }
    }

    /**
     * Fills every parameter's gradient with zeros in place, as PyTorch 1.13's {@code zero_grad()}:
     * the next backward pass adds into the same arrays, so training allocates no gradient arrays per
     * step. A gradient read before this call changes with it; copy it to keep it.
     */
    public void zeroGrad() {
        zeroGrad(false);
    }

    /** As {@link #zeroGrad()}; with {@code setToNone} the gradients become null instead (PyTorch's {@code set_to_none=True}). */
    public void zeroGrad(boolean setToNone) {
        for (Tensor p : params) {
            p.zeroGrad(setToNone);
        }
    }

    /** One update of every parameter that has a gradient, in place. */
    public void step() {
        steps++;
        try (GradMode.Scope g = GradMode.disabled()) {
            try {
                for (int i = 0; i < params.size(); i++) {
                    Tensor p = params.get(i);
                    if (p.grad() != null) {
                        current = groups.get(groupOf[i]);
                        lr = groupLr[groupOf[i]];
                        update(p.data(), p.grad().data(), state.get(i));
                        p.markModified();
                    }
                }
            } finally {
                current = null;
                lr = groupLr[0];
            }
        }
    }

    /** Updates one parameter in place. {@code state} holds its buffers between steps. */
    protected abstract void update(INDArray param, INDArray grad, Map<String, INDArray> state);

    /** The learning rate (the first group's, when there are several). */
    public double lr() {
        return groupLr[0];
    }

    /**
     * Group {@code g}'s learning rate when the first scheduler was made on this optimizer: every
     * scheduler's base for that group (PyTorch's {@code initial_lr}).
     */
    double initialLr(int g) {
        if (Double.isNaN(initialLr[g])) {
            initialLr[g] = groupLr[g];
        }
        return initialLr[g];
    }

    /** Sets every group's learning rate. */
    public void setLr(double lr) {
        checkLr(lr);
        java.util.Arrays.fill(groupLr, lr);
        this.lr = lr;
    }

    private void checkLr(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": learning rate must be finite and non-negative, got " + value);
        }
    }

    /** The names of the buffers this optimizer keeps per parameter (e.g. {@code momentum_buffer}), for checking loaded state. */
    protected abstract java.util.Set<String> stateNames();

    /** Number of {@link #step} calls so far. */
    public long steps() {
        return steps;
    }

    /** Buffers as {@code state.<param index>.<buffer>} plus {@code lr} and {@code steps}. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("lr", Tensor.scalar(groupLr[0], dev.adjoint.DType.FLOAT64));
        for (int g = 1; g < groups.size(); g++) {
            out.put("group." + g + ".lr", Tensor.scalar(groupLr[g], dev.adjoint.DType.FLOAT64));
        }
        out.put("steps", Tensor.scalar(steps, dev.adjoint.DType.FLOAT64));
        for (int i = 0; i < state.size(); i++) {
            for (Map.Entry<String, INDArray> e : state.get(i).entrySet()) {
                out.put("state." + i + "." + e.getKey(), new Tensor(e.getValue().dup()));
            }
        }
        return out;
    }

    /** Restores what {@link #stateDict()} returned; checks every entry before changing anything. */
    public void loadStateDict(Map<String, Tensor> dict) {
        List<Map<String, INDArray>> fresh = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            fresh.add(new LinkedHashMap<>());
        }
        for (Map.Entry<String, Tensor> e : dict.entrySet()) {
            String k = e.getKey();
            if (k.equals("lr") || k.equals("steps") || k.matches("group\\.[0-9]+\\.lr")) {
                continue;
            }
            String[] parts = k.split("\\.", 3);
            if (parts.length != 3 || !parts[0].equals("state")) {
                throw new IllegalArgumentException("optimizer state: unexpected entry " + k);
            }
            int i;
            try {
                i = Integer.parseInt(parts[1]);
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("optimizer state: unexpected entry " + k);
            }
            if (i < 0 || i >= params.size()) {
                throw new IllegalArgumentException("optimizer state: entry " + k + " names parameter " + i + " but there are " + params.size());
            }
            if (!stateNames().contains(parts[2])) {
                throw new IllegalArgumentException("optimizer state: " + k + " is not a buffer of " + getClass().getSimpleName() + " (it keeps "
                        + stateNames() + "); was this state saved from another optimizer?");
            }
            INDArray v = e.getValue().data();
            if (!allFinite(v)) {
                throw new IllegalArgumentException("optimizer state: " + k + " holds NaN or infinite values");
            }
            if (!parts[2].equals("step") && !java.util.Arrays.equals(v.shape(), params.get(i).shape())) {
                throw new IllegalArgumentException("optimizer state: " + k + " has shape " + java.util.Arrays.toString(v.shape())
                        + " but parameter " + i + " has " + java.util.Arrays.toString(params.get(i).shape()));
            }
            fresh.get(i).put(parts[2], v.castTo(params.get(i).data().dataType()).dup());
        }
        if (!dict.containsKey("lr") || !dict.containsKey("steps")) {
            throw new IllegalArgumentException("optimizer state: lr and steps are missing");
        }
        double loadedLr = dict.get("lr").item();
        double loadedSteps = dict.get("steps").item();
        checkLr(loadedLr);
        if (!(loadedSteps >= 0) || loadedSteps != Math.rint(loadedSteps) || Double.isInfinite(loadedSteps)) {
            throw new IllegalArgumentException("optimizer state: steps must be a whole non-negative number, got " + loadedSteps);
        }
        double[] loadedGroups = new double[groups.size()];
        loadedGroups[0] = loadedLr;
        for (int g = 1; g < groups.size(); g++) {
            Tensor t = dict.get("group." + g + ".lr");
            loadedGroups[g] = t == null ? loadedLr : t.item();
            checkLr(loadedGroups[g]);
        }
        System.arraycopy(loadedGroups, 0, groupLr, 0, groupLr.length);
        lr = groupLr[0];
        steps = (long) loadedSteps;
        for (int i = 0; i < fresh.size(); i++) {
            state.get(i).clear();
            state.get(i).putAll(fresh.get(i));
        }
    }

    private static boolean allFinite(INDArray a) {
        for (double v : a.dup('c').data().asDouble()) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
