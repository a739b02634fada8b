package dev.adjoint.layers;

import dev.adjoint.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Modules registered under given names, in insertion order, as PyTorch's {@code nn.ModuleDict}. */
public final class ModuleDict extends Module {
    private final Map<String, Module> modules = new LinkedHashMap<>();

    public ModuleDict() {
    }

    public ModuleDict(Map<String, ? extends Module> modules) {
        modules.forEach(this::put);
    }

    /** Adds (or replaces) the module under {@code name}; returns this dict. */
    public ModuleDict put(String name, Module m) {
        registerModule(name, m);
        modules.put(name, m);
        return this;
    }

    public Module get(String name) {
        Module m = modules.get(name);
        if (m == null) {
            throw new IllegalArgumentException("ModuleDict: no module named '" + name + "'; it holds " + modules.keySet());
        }
        return m;
    }

    /** The modules by name, in insertion order (read-only). */
    public Map<String, Module> asMap() {
        return Collections.unmodifiableMap(modules);
    }

    /** A ModuleDict has no forward of its own (as in PyTorch). */
    @Override
    public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException("ModuleDict has no forward: call its modules in your module's forward");
    }

    @Override
    protected String describe() {
        return "ModuleDict";
    }
}
