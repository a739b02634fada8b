package dev.adjoint.optim;

import java.util.List;

/**
 * The groups an optimizer is made with (a type of its own, so that the optimizers' constructors can
 * take either a list of parameters or groups): {@code new SGD(ParamGroups.of(ParamGroup.of(decay),
 * ParamGroup.of(noDecay).weightDecay(0)), 0.1, 0.9, 0, 5e-4, false)}.
 */
public final class ParamGroups {
    final List<ParamGroup> groups;

    private ParamGroups(List<ParamGroup> groups) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("ParamGroups: no groups given");
        }
        this.groups = List.copyOf(groups);
    }

    public static ParamGroups of(ParamGroup... groups) {
        return new ParamGroups(List.of(groups));
    }

    public static ParamGroups of(List<ParamGroup> groups) {
        return new ParamGroups(groups);
    }
}
