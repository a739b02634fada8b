package dev.adjoint.layers;

import dev.adjoint.Shapes;
import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.GradMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A building block of a network, as PyTorch's {@code nn.Module}: it owns parameters, buffers
 * (non-trained state such as BatchNorm's running statistics) and child modules, each registered
 * under a name; {@link #forward} computes the output. Names compose with dots into the state-dict
 * keys PyTorch uses ({@code 0.weight}, {@code bn.running_mean}).
 *
 * <p>Fields register themselves, as attribute assignment does in PyTorch: a field of a subclass
 * that holds a {@code Module} or a {@link Parameter} is registered under the field's name (its
 * state-dict key), in declaration order, the first time the module's members are asked for
 * ({@code parameters()}, {@code stateDict()}, {@code train()}, {@code toString()}, ...) and again at
 * every later ask, so a field assigned after construction counts too:
 * <pre>
 * class Block extends Module {
 *     final Conv2d conv = new Conv2d(16, 16, 3, 1, 1);   // state dict: conv.weight, conv.bias
 *     final BatchNorm2d bn = new BatchNorm2d(16);       // bn.weight, bn.bias, bn.running_mean, ...
 *     public Tensor forward(Tensor x) { return bn.forward(conv.forward(x)).relu(); }
 * }
 * </pre>
 * {@link #registerParameter}, {@link #registerBuffer} and {@link #registerModule} remain for names
 * that are not fields (lists of layers, as {@code Sequential} keeps) and for buffers, which PyTorch
 * too registers explicitly. A member registered explicitly is not registered again under its field's name.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Computes the module's output. */
    public abstract Tensor forward(Tensor input);

    /** Registers (or replaces) a parameter; returns it. The name is part of the state-dict key. */
    protected final Parameter registerParameter(String name, Parameter p) {
        checkName(name);
        if (p != null) {
            p.name(name);
            parameters.put(name, p);
        }
        return p;
    }

    /** Registers a buffer: saved in the state dict, not trained. */
    protected final Tensor registerBuffer(String name, Tensor t) {
        checkName(name);
        buffers.put(name, t);
        return t;
    }

    /** Registers a child module. */
    protected final <M extends Module> M registerModule(String name, M m) {
        checkName(name);
        children.put(name, m);
        // Parameters print under their state-dict name ("0.weight") in graphs and traces.
        m.namedParameters().forEach((n, p) -> p.name(name + "." + n));
        return m;
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("module member names must be non-empty and contain no '.': '" + name + "'");
        }
    }

    /** The direct children, in registration order. */
    public Map<String, Module> children() {
        discoverFields();
        return Collections.unmodifiableMap(children);
    }

    /** This module and every descendant under its dotted name ("" for this one), each once, as PyTorch's {@code named_modules()}. */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        java.util.Set<Module> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        namedModules("", out, seen);
        return out;
    }

    private void namedModules(String prefix, Map<String, Module> out, java.util.Set<Module> seen) {
        if (!seen.add(this)) {
            return;
        }
        out.put(prefix, this);
        discoverFields();
        children.forEach((n, c) -> c.namedModules(prefix.isEmpty() ? n : prefix + "." + n, out, seen));
    }

    /** This module and every descendant, each once, in {@link #namedModules()}'s order. */
    public List<Module> modules() {
        return new ArrayList<>(namedModules().values());
    }

    /**
     * Calls {@code fn} on every child (recursively, children first) and then on this module: PyTorch's
     * {@code module.apply(fn)}, named for what it does ({@code apply} is only Function's verb here).
     * The way to initialise every layer of a kind:
     * {@code model.forEachModule(m -> { if (m instanceof Linear l) Init.zeros(l.bias); })}. Returns this module.
     */
    public Module forEachModule(java.util.function.Consumer<Module> fn) {
        discoverFields();
        for (Module c : new ArrayList<>(children.values())) {
            c.forEachModule(fn);
        }
        fn.accept(this);
        return this;
    }

    /** Per class: its fields and its superclasses' (below Module) whose type is a Module or a Parameter, in declaration order. */
    private static final ClassValue<List<java.lang.reflect.Field>> MEMBER_FIELDS = new ClassValue<>() {
        @Override
        protected List<java.lang.reflect.Field> computeValue(Class<?> type) {
            List<Class<?>> chain = new ArrayList<>();
            for (Class<?> k = type; k != null && k != Module.class; k = k.getSuperclass()) {
                chain.add(0, k);
            }
            List<java.lang.reflect.Field> out = new ArrayList<>();
            for (Class<?> k : chain) {
                for (java.lang.reflect.Field f : k.getDeclaredFields()) {
                    int mod = f.getModifiers();
                    boolean member = Module.class.isAssignableFrom(f.getType()) || Parameter.class.isAssignableFrom(f.getType());
                    if (member && !java.lang.reflect.Modifier.isStatic(mod) && !f.isSynthetic()) {
                        f.setAccessible(true);
                        out.add(f);
                    }
                }
            }
            return List.copyOf(out);
        }
    };

    /**
     * Registers the fields that hold a Module or a Parameter not registered yet, under the field's
     * name (see the class comment). A name already taken by an explicit registration keeps it.
     */
    private void discoverFields() {
        for (java.lang.reflect.Field f : MEMBER_FIELDS.get(getClass())) {
            Object v;
            try {
                v = f.get(this);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(getClass().getName() + "." + f.getName() + " cannot be read to register it: " + e.getMessage(), e);
            }
            String name = f.getName();
            if (v instanceof Parameter p) {
                if (!containsIdentity(parameters, p) && !parameters.containsKey(name)) {
                    registerParameter(name, p);
                }
            } else if (v instanceof Module m && m != this) {
                if (!containsIdentity(children, m) && !children.containsKey(name)) {
                    registerModule(name, m);
                }
            }
        }
    }

    private static boolean containsIdentity(Map<String, ?> map, Object m) {
        for (Object v : map.values()) {
            if (v == m) {
                return true;
            }
        }
        return false;
    }

    /** Every parameter of this module and its descendants, in registration order. */
    public List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every parameter under its dotted name ({@code 0.weight}). */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> all = new LinkedHashMap<>();
        collect("", all, null);
        // a module reachable twice (new Sequential(l, l)) shares its parameters: each is listed once,
        // under its first name, as PyTorch's named_parameters() does, so an optimizer steps it once
        Map<String, Parameter> out = new LinkedHashMap<>();
        java.util.Set<Parameter> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        all.forEach((n, p) -> {
            if (seen.add(p)) {
                out.put(n, p);
            }
        });
        return out;
    }

    /** Every buffer under its dotted name. */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", null, out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> ps, Map<String, Tensor> bs) {
        discoverFields();
        if (ps != null) {
            parameters.forEach((n, p) -> ps.put(prefix + n, p));
        }
        if (bs != null) {
            buffers.forEach((n, b) -> bs.put(prefix + n, b));
        }
        children.forEach((n, c) -> c.collect(prefix + n + ".", ps, bs));
    }

    /**
     * Converts every parameter and buffer, of this module and its children, to {@code dtype} in
     * place (as PyTorch's {@code module.to(dtype)} / {@code .double()}), and returns this module, so
     * that {@code new Sequential(...).to(DType.FLOAT64)} reads as in PyTorch. Create optimizers
     * after converting: their state is made in the parameters' dtype.
     */
    @SuppressWarnings("unchecked")
    public <M extends Module> M to(DType dtype) {
        java.util.Set<Tensor> done = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Tensor t : stateDict().values()) {
            if (done.add(t)) {
                t.convertInPlace(dtype);
            }
        }
        return (M) this;
    }

    /** Parameters and buffers by name, in PyTorch's order: each module's own, then its children's. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        stateDict("", out);
        return out;
    }

    private void stateDict(String prefix, Map<String, Tensor> out) {
        discoverFields();
        parameters.forEach((n, p) -> out.put(prefix + n, p));
        buffers.forEach((n, b) -> out.put(prefix + n, b));
        children.forEach((n, c) -> c.stateDict(prefix + n + ".", out));
    }

    /**
     * Copies values into the parameters and buffers. Every name and shape is checked before
     * anything is written, so on an exception the module is unchanged. Values are converted to each
     * tensor's own dtype: a float64 checkpoint loads into a float32 module rounded to float32 (call
     * {@link #to(DType) to(DType.FLOAT64)} first to keep every digit), a float32 one into a float64
     * module exactly.
     *
     * @throws IllegalArgumentException listing missing, unexpected or mis-shaped entries
     */
    public void loadStateDict(Map<String, Tensor> state) {
        loadStateDict(state, true);
    }

    /** What a non-strict {@link #loadStateDict(Map, boolean)} left out, as PyTorch's {@code _IncompatibleKeys}. */
    public record IncompatibleKeys(List<String> missingKeys, List<String> unexpectedKeys) {
    }

    /**
     * As {@link #loadStateDict(Map)}; with {@code strict} false, keys the state lacks or the module
     * lacks are allowed and returned (PyTorch's {@code load_state_dict(state, strict=False)}), and
     * the entries both have are loaded. A shape that does not match is an error either way.
     *
     * @throws IllegalArgumentException listing mis-shaped entries (and, when strict, missing and unexpected ones)
     */
    public IncompatibleKeys loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> problems = new ArrayList<>(); // shapes that do not match
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (String k : own.keySet()) {
            if (!state.containsKey(k)) {
                missing.add(k);
            } else if (!Arrays.equals(own.get(k).shape(), state.get(k).shape())) {
                problems.add(k + ": shape " + Shapes.str(state.get(k).shape()) + " does not match the model's " + Shapes.str(own.get(k).shape()));
            }
        }
        for (String k : state.keySet()) {
            if (!own.containsKey(k)) {
                unexpected.add(k);
            }
        }
        if (strict) {
            List<String> all = new ArrayList<>();
            missing.forEach(k -> all.add("missing " + k));
            all.addAll(problems);
            unexpected.forEach(k -> all.add("unexpected " + k));
            problems = all;
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict: the state does not fit " + getClass().getSimpleName() + ": " + String.join("; ", problems));
        }
        try (GradMode.Scope g = GradMode.disabled()) {
            own.forEach((k, t) -> {
                if (state.containsKey(k)) {
                    t.data().assign(state.get(k).data().castTo(t.data().dataType()));
                    t.markModified();
                }
            });
        }
        return new IncompatibleKeys(List.copyOf(missing), List.copyOf(unexpected));
    }

    /** Training mode (the default): dropout drops, batch norm uses batch statistics. */
    public Module train() {
        return setTraining(true);
    }

    /** Evaluation mode: dropout passes through, batch norm uses running statistics. */
    public Module eval() {
        return setTraining(false);
    }

    private Module setTraining(boolean on) {
        discoverFields();
        training = on;
        children.values().forEach(c -> c.setTraining(on));
        return this;
    }

    public boolean isTraining() {
        return training;
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
        for (Tensor p : parameters()) {
            p.zeroGrad(setToNone);
        }
    }

    /** Total number of trainable values. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.numel();
        }
        return n;
    }

    /** The one-line description of this module alone: {@code Conv2d(1, 6, kernel=[5, 5], padding=[2, 2])}. */
    protected String describe() {
        return getClass().getSimpleName() + "()";
    }

    /**
     * The module tree with parameter shapes and counts:
     * <pre>
     * Sequential (61,706 parameters)
     *   (0) Conv2d(1, 6, kernel=[5, 5], padding=[2, 2])  weight[6, 1, 5, 5] bias[6]  156
     * </pre>
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        tree(sb, "", null);
        return sb.toString().stripTrailing();
    }

    private void tree(StringBuilder sb, String indent, String name) {
        discoverFields();
        sb.append(indent);
        if (name != null) {
            sb.append('(').append(name).append(") ");
        }
        sb.append(describe());
        if (!parameters.isEmpty()) {
            long n = 0;
            for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                sb.append("  ").append(e.getKey()).append(Shapes.str(e.getValue().shape()));
                n += e.getValue().numel();
            }
            sb.append("  ").append(String.format("%,d", n));
        }
        if (!children.isEmpty()) {
            sb.append(String.format("  (%,d parameters)", parameterCount()));
        }
        sb.append('\n');
        children.forEach((n, c) -> c.tree(sb, indent + "  ", n));
    }
}
