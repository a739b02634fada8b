package dev.adjoint.autograd;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Shows the graph that produced a tensor: as an indented text tree ({@link #toText}), handy in a
 * debugger's evaluate window, or as Graphviz DOT ({@link #toDot}) for a picture
 * ({@code dot -Tpng graph.dot -o graph.png}).
 */
public final class Graphs {
    private Graphs() {
    }

    /**
     * An indented tree, output first: each function with its arguments and output shape, then its
     * inputs one level deeper (functions, named leaves, or constants that need no gradient). A
     * function reached a second time (a shared subexpression) is printed once and then referred to.
     */
    public static String toText(Tensor t) {
        StringBuilder sb = new StringBuilder();
        sb.append("Tensor").append(Shapes.str(t.shape())).append(' ').append(t.dtype());
        if (t.creator() == null) {
            return sb.append(t.requiresGrad() ? " (leaf, requires grad)" : " (leaf)").append('\n').toString();
        }
        sb.append('\n');
        Map<Function, Boolean> printed = new IdentityHashMap<>();
        Deque<Object[]> stack = new ArrayDeque<>(); // {Function or String, depth, role prefix}
        stack.push(new Object[] {t.creator(), 1, ""});
        while (!stack.isEmpty()) {
            Object[] item = stack.pop();
            String indent = "  ".repeat((Integer) item[1]);
            String role = (String) item[2];
            if (item[0] instanceof String line) {
                sb.append(indent).append(role).append(line).append('\n');
                continue;
            }
            Function fn = (Function) item[0];
            if (printed.put(fn, Boolean.TRUE) != null) {
                sb.append(indent).append(role).append(fn.label()).append(" (shown above)\n");
                continue;
            }
            sb.append(indent).append(role).append(fn).append('\n');
            Function[] next = fn.nextFunctions();
            Tensor[] leaves = fn.nextLeaves();
            String[] names = fn.inputNames();
            int depth = (Integer) item[1] + 1;
            for (int i = next.length - 1; i >= 0; i--) {
                String r = (i < names.length ? names[i] : "in" + i) + ": ";
                long[] shape = fn.inputShape(i);
                if (next[i] != null) {
                    stack.push(new Object[] {next[i], depth, r});
                } else if (leaves[i] != null) {
                    stack.push(new Object[] {leafLabel(leaves[i]), depth, r});
                } else if (shape != null) {
                    stack.push(new Object[] {"constant " + Shapes.str(shape), depth, r});
                }
            }
        }
        return sb.toString();
    }

    private static String leafLabel(Tensor leaf) {
        return (leaf.name() != null ? "'" + leaf.name() + "' " : "leaf ") + Shapes.str(leaf.shape()) + " " + leaf.dtype();
    }

    /**
     * Graphviz DOT: functions are boxes labelled with their name and arguments, leaves that require
     * grad are filled ellipses labelled with their parameter name, constants are plain ellipses,
     * and every edge carries the shape of the tensor flowing along it.
     */
    public static String toDot(Tensor t) {
        StringBuilder sb = new StringBuilder("digraph adjoint {\n");
        sb.append("  rankdir=BT;\n  node [fontname=\"monospace\", fontsize=10];\n  edge [fontname=\"monospace\", fontsize=9];\n");
        sb.append("  output [shape=doublecircle, label=\"").append(esc("output\n" + Shapes.str(t.shape()))).append("\"];\n");
        if (t.creator() == null) {
            return sb.append("}\n").toString();
        }
        Map<Object, String> ids = new IdentityHashMap<>();
        Deque<Function> stack = new ArrayDeque<>();
        stack.push(t.creator());
        sb.append("  ").append(id(ids, t.creator())).append(" -> output [label=\"").append(esc(Shapes.str(t.shape()))).append("\"];\n");
        int constants = 0;
        while (!stack.isEmpty()) {
            Function fn = stack.pop();
            String fid = id(ids, fn);
            String args = fn.args();
            sb.append("  ").append(fid).append(" [shape=box, label=\"").append(esc(fn.label() + (args.isEmpty() ? "" : "\n" + args)))
                    .append("\"];\n");
            Function[] next = fn.nextFunctions();
            Tensor[] leaves = fn.nextLeaves();
            String[] names = fn.inputNames();
            for (int i = 0; i < next.length; i++) {
                long[] shape = fn.inputShape(i);
                if (shape == null) {
                    continue;
                }
                String edge = (i < names.length ? names[i] : "in" + i) + " " + Shapes.str(shape);
                String from;
                if (next[i] != null) {
                    boolean first = !ids.containsKey(next[i]);
                    from = id(ids, next[i]);
                    if (first) {
                        stack.push(next[i]);
                    }
                } else if (leaves[i] != null) {
                    boolean first = !ids.containsKey(leaves[i]);
                    from = id(ids, leaves[i]);
                    if (first) {
                        sb.append("  ").append(from).append(" [shape=ellipse, style=filled, fillcolor=lightblue, label=\"")
                                .append(esc((leaves[i].name() != null ? leaves[i].name() : "leaf") + "\n" + Shapes.str(leaves[i].shape())))
                                .append("\"];\n");
                    }
                } else {
                    from = "c" + constants++;
                    sb.append("  ").append(from).append(" [shape=ellipse, label=\"").append(esc("constant\n" + Shapes.str(shape))).append("\"];\n");
                }
                sb.append("  ").append(from).append(" -> ").append(fid).append(" [label=\"").append(esc(edge)).append("\"];\n");
            }
        }
        return sb.append("}\n").toString();
    }

    private static String id(Map<Object, String> ids, Object o) {
        return ids.computeIfAbsent(o, k -> (k instanceof Function ? "f" : "l") + ids.size());
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
