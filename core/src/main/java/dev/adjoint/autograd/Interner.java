package dev.adjoint.autograd;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared instance per equal value, for the small immutable things every recorded Function
 * keeps (shapes, a convolution's geometry). A graph kept after its backward (a loss in a list)
 * holds its nodes and what they describe; a training loop repeats a handful of distinct values, so
 * thousands of kept graphs share a handful of objects instead of holding a copy each.
 *
 * <p>Bounded: once it holds {@code maxEntries} values it hands back new values unshared, so a
 * program with ever new values (varying sequence lengths) keeps its own copies, as without it.
 * Values must be immutable after interning and implement {@code equals} and {@code hashCode}.
 *
 * @param <T> the kind of value
 */
public final class Interner<T> {
    private final ConcurrentHashMap<T, T> values = new ConcurrentHashMap<>();
    private final int maxEntries;

    /** An interner that holds at most {@code maxEntries} distinct values. */
    public Interner(int maxEntries) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("Interner: maxEntries must be >= 0, got " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /** The instance equal to {@code value} that this interner holds, or {@code value} itself (now held, unless full). */
    public T intern(T value) {
        T known = values.get(value);
        if (known != null) {
            return known;
        }
        if (values.size() >= maxEntries) {
            return value;
        }
        T raced = values.putIfAbsent(value, value);
        return raced != null ? raced : value;
    }

    /** The held instance equal to {@code probe}, or null: lets a caller look up with a value it must not hand over. */
    public T find(T probe) {
        return values.get(probe);
    }

    /** How many distinct values it holds. */
    public int size() {
        return values.size();
    }

    @Override
    public String toString() {
        return "Interner(" + values.size() + " of at most " + maxEntries + ")";
    }
}
