package dev.adjoint.layers;

import dev.adjoint.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A list of modules registered under their positions ({@code 0.weight}, {@code 1.weight}, ...), as
 * PyTorch's {@code nn.ModuleList}: for a custom module's repeated blocks, iterated in its own forward.
 */
public final class ModuleList extends Module implements Iterable<Module> {
    private final List<Module> modules = new ArrayList<>();

    public ModuleList(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /** Appends a module (PyTorch's {@code append}); returns this list. */
    public ModuleList add(Module m) {
        registerModule(Integer.toString(modules.size()), m);
        modules.add(m);
        return this;
    }

    public Module get(int i) {
        return modules.get(i);
    }

    public int size() {
        return modules.size();
    }

    @Override
    public Iterator<Module> iterator() {
        return List.copyOf(modules).iterator();
    }

    /** A ModuleList has no forward of its own (as in PyTorch): iterate it in the owner's forward. */
    @Override
    public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException("ModuleList has no forward: iterate its modules in your module's forward");
    }

    @Override
    protected String describe() {
        return "ModuleList";
    }
}
