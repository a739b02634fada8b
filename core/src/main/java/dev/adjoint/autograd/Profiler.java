package dev.adjoint.autograd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Time spent per Function forward and backward, plus any named section (optimizer step, data
 * loading), on the current thread. Off by default; when off it costs one thread-local read per op.
 *
 * <pre>{@code
 * try (var p = Profiler.enable()) {
 *     ... train some steps ...
 *     System.out.println(Profiler.table());
 * }
 * }</pre>
 */
public final class Profiler {
    private static final ThreadLocal<Map<String, long[]>> TIMES = new ThreadLocal<>();

    private Profiler() {
    }

    /** Starts collecting (clearing earlier figures) until the scope is closed. */
    public static Scope enable() {
        TIMES.set(new LinkedHashMap<>());
        return new Scope();
    }

    public static boolean isEnabled() {
        return TIMES.get() != null;
    }

    /** Adds {@code nanos} to the entry {@code name} (count + total). */
    public static void record(String name, long nanos) {
        Map<String, long[]> m = TIMES.get();
        if (m != null) {
            long[] e = m.computeIfAbsent(name, k -> new long[2]);
            e[0]++;
            e[1] += nanos;
        }
    }

    /** Times a section of user code: {@code try (var s = Profiler.section("optimizer")) { opt.step(); }}. */
    public static Section section(String name) {
        return new Section(name);
    }

    /** The figures so far, largest total first: name, calls, total ms, share, mean us. */
    public static String table() {
        Map<String, long[]> m = TIMES.get();
        if (m == null || m.isEmpty()) {
            return "(profiler: nothing recorded)";
        }
        List<Map.Entry<String, long[]>> rows = new ArrayList<>(m.entrySet());
        rows.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        long total = 0;
        for (Map.Entry<String, long[]> e : rows) {
            total += e.getValue()[1];
        }
        StringBuilder sb = new StringBuilder(String.format("%-34s %9s %11s %7s %11s%n", "where", "calls", "total ms", "share", "mean us"));
        for (Map.Entry<String, long[]> e : rows) {
            long[] v = e.getValue();
            sb.append(String.format("%-34s %9d %11.1f %6.1f%% %11.1f%n", e.getKey(), v[0], v[1] / 1e6, 100.0 * v[1] / total, v[1] / 1e3 / v[0]));
        }
        sb.append(String.format("%-34s %9s %11.1f%n", "total", "", total / 1e6));
        return sb.toString();
    }

    /** Stops collecting when closed. */
    public static final class Scope implements AutoCloseable {
        @Override
        public void close() {
            TIMES.remove();
        }
    }

    /** A timed section; records on close. */
    public static final class Section implements AutoCloseable {
        private final String name;
        private final long start = System.nanoTime();

        Section(String name) {
            this.name = name;
        }

        @Override
        public void close() {
            record(name, System.nanoTime() - start);
        }
    }
}
