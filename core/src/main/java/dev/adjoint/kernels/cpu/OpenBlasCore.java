package dev.adjoint.kernels.cpu;

import java.lang.management.ManagementFactory;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.bytedeco.openblas.presets.openblas_nolapack.SetNumThreads;

/**
 * Which of OpenBLAS's CPU kernel sets the sgemm of {@link Blas} runs, and a repair for CPUs newer
 * than that OpenBLAS.
 *
 * <p><b>Why.</b> The OpenBLAS that ND4J 1.0.0-M2.1 ships (0.3.19, built for every x86-64 core and
 * choosing one at load time) reads the CPU's vendor, family and model number, and CPUs it does not
 * list get old kernels: Intel family-6 models from 0xB0 up (Raptor Lake, Arrow Lake, Emerald Rapids,
 * ...) fall through to the Pentium 4 "Prescott" table (a missing {@code break}, fixed in 0.3.25),
 * AMD's Zen 5 to the K10 "Barcelona" table (SSE only), and Zen 4, which has AVX-512, gets the
 * AVX2 "Zen" table (later OpenBLAS gives Zen 4 SkylakeX's kernels). Every sgemm then runs 1.5x to
 * 4.7x slower than the kernels the CPU can run (docs/PERFORMANCE.md). The environment variable
 * {@code OPENBLAS_CORETYPE} fixes it for a user who knows, but a library cannot ask for that.
 *
 * <p><b>What.</b> When OpenBLAS's kernel table uses narrower vectors than the JVM (which checks the
 * CPU and the operating system itself) found usable, this switches OpenBLAS to its Haswell
 * (AVX2 + FMA) or SkylakeX (AVX-512) table, exactly what {@code OPENBLAS_CORETYPE} would have
 * chosen: SSE-only tables go to Haswell's when the JVM uses AVX2 and FMA, and SSE or 256-bit tables
 * to SkylakeX's when it uses AVX-512 (HotSpot itself stays at AVX2 on the Intel CPUs where
 * AVX-512 slows the clock). It runs that table's own initialisation (which sets its block sizes),
 * then points OpenBLAS's {@code gotoblas} at it. Everything is found through exported symbols; the
 * one layout assumption (where a table keeps its initialisation function, just before
 * {@code saxpby_k}) is checked on both tables before anything is written, and any mismatch leaves
 * OpenBLAS as it is. Nothing is done when {@code OPENBLAS_CORETYPE} is set, off x86-64, on other
 * OpenBLAS builds, or with {@code -Dadjoint.openblas.core=keep}.
 *
 * <p>It runs once, when {@link Blas} is first used, before the kernels' first matrix product. A
 * product that another thread (the user's own ND4J call) runs at that very moment could see the
 * switch mid-call; a training program has made none by then.
 */
public final class OpenBlasCore {
    /** System property: {@code auto} (default) repairs the misdetection above, {@code keep} leaves OpenBLAS's own choice. */
    public static final String PROPERTY = dev.adjoint.kernels.Settings.OPENBLAS_CORE;

    /** OpenBLAS's x86-64 kernel tables that this class can name; others print as "other". */
    private static final String[] NAMES = {"PRESCOTT", "CORE2", "NEHALEM", "SANDYBRIDGE", "HASWELL", "SKYLAKEX", "COOPERLAKE", "ZEN",
        "BARCELONA", "BULLDOZER", "PILEDRIVER", "STEAMROLLER", "EXCAVATOR"};

    /** Tables with SSE kernels only: Intel's before Sandy Bridge and AMD's K10 (Barcelona). */
    private static final java.util.Set<String> SSE_ONLY = java.util.Set.of("PRESCOTT", "CORE2", "NEHALEM", "BARCELONA");

    /** Tables whose widest kernels are AVX or AVX2 (256 bits). */
    private static final java.util.Set<String> AVX_256 = java.util.Set.of("SANDYBRIDGE", "HASWELL", "ZEN");

    /**
     * How far into a table to look for its {@code saxpby_k} entry: the tables of 0.3.19 are ~4.5 KB
     * and lie among others in the library's data, so the scan never leaves its memory.
     */
    private static final int SCAN_BYTES = 8192;

    private static final String OUTCOME = choose();

    private OpenBlasCore() {
    }

    /**
     * What happened at load time, e.g. "SKYLAKEX (adjoint switched from BARCELONA, OpenBLAS 0.3.19's
     * choice for this CPU)" or "HASWELL (OpenBLAS's choice)".
     */
    public static String describe() {
        return OUTCOME;
    }

    /**
     * Checks {@code -Dadjoint.openblas.core}: {@code auto}, {@code keep} or unset.
     *
     * @throws IllegalArgumentException naming the property and the value otherwise
     */
    static void checkProperty() {
        dev.adjoint.kernels.Settings.openblasCore();
    }

    /** The name of the kernel table OpenBLAS uses now, or "unknown" where it cannot be read. */
    public static String current() {
        try {
            Pointer g = symbol("gotoblas");
            if (g == null) {
                return "unknown";
            }
            long table = new LongPointer(g).capacity(1).get(0);
            for (String name : NAMES) {
                Pointer t = symbol("gotoblas_" + name);
                if (t != null && t.address() == table) {
                    return name;
                }
            }
            return "other";
        } catch (RuntimeException | LinkageError e) {
            return "unknown";
        }
    }

    /**
     * Whether OpenBLAS runs SSE-only kernels (a Core2, Nehalem, Prescott or Barcelona table) while the JVM
     * vectorizes Java loops with AVX2 or wider: then the Java conv loops of {@link DirectKernels}
     * beat a thin sgemm. Decided once, after the repair above.
     */
    static boolean javaLoopsAreFaster() {
        return JAVA_LOOPS_FASTER;
    }

    private static final boolean JAVA_LOOPS_FASTER = SSE_ONLY.contains(current()) && jvmAvxLevel() >= 2;

    /**
     * Whether OpenBLAS runs AVX-512 kernels (a Skylake-X or Cooper Lake table), after the repair
     * above: then its thin products are fast enough that {@link ShiftedConv} pays for more wasted
     * work on the padded width. Decided once.
     */
    static boolean runsAvx512Kernels() {
        return AVX_512_KERNELS;
    }

    private static final boolean AVX_512_KERNELS = java.util.Set.of("SKYLAKEX", "COOPERLAKE").contains(current());

    private static String choose() {
        try {
            Loader.load(openblas_nolapack.class);
            String before = current();
            if ("keep".equals(dev.adjoint.kernels.Settings.openblasCore()) || System.getenv("OPENBLAS_CORETYPE") != null) {
                return before + " (OpenBLAS's choice, kept)";
            }
            int avx = jvmAvxLevel();
            String target = avx >= 3 ? "SKYLAKEX" : avx == 2 && jvmFlag("UseFMA") ? "HASWELL" : null;
            if (target == null || !narrowerThan(before, target)) {
                return before + " (OpenBLAS's choice)";
            }
            String why = switchTo(before, target);
            if (why == null) {
                // a process-wide change: say so once, where the application's logging shows it
                org.slf4j.LoggerFactory.getLogger(OpenBlasCore.class).info(
                        "adjoint switched OpenBLAS's kernels from {} (OpenBLAS 0.3.19's choice for this CPU) to {}, the widest vectors the JVM found usable; -D{}=keep leaves them",
                        before, target, PROPERTY);
                return target + " (adjoint switched from " + before + ", OpenBLAS 0.3.19's choice for this CPU)";
            }
            return before + " (OpenBLAS's choice; not switched: " + why + ")";
        } catch (RuntimeException | LinkageError e) {
            return "unknown (" + e + ")";
        }
    }

    /**
     * Whether the table OpenBLAS chose runs narrower vectors than {@code target}: an SSE-only table
     * below Haswell's; that or a 256-bit one below SkylakeX's. Other tables (AMD's Bulldozer family,
     * ones this class cannot name) are left alone.
     */
    static boolean narrowerThan(String current, String target) {
        return SSE_ONLY.contains(current) || target.equals("SKYLAKEX") && AVX_256.contains(current);
    }

    /** Switches OpenBLAS from the named current table to the target one, or returns why not (nothing written then). */
    private static String switchTo(String current, String target) {
        Pointer gotoblas = symbol("gotoblas");
        Pointer from = symbol("gotoblas_" + current);
        Pointer to = symbol("gotoblas_" + target);
        Pointer fromAxpby = symbol("saxpby_k_" + current);
        Pointer toAxpby = symbol("saxpby_k_" + target);
        if (gotoblas == null || from == null || to == null || fromAxpby == null || toAxpby == null) {
            return "symbols missing";
        }
        LongPointer fromTable = new LongPointer(from).capacity(SCAN_BYTES / 8);
        LongPointer toTable = new LongPointer(to).capacity(SCAN_BYTES / 8);
        int at = -1;
        for (int i = 0; i < SCAN_BYTES / 8; i++) {
            if (toTable.get(i) == toAxpby.address()) {
                at = i;
                break;
            }
        }
        // the layout of 0.3.x: ... void (*init)(void); int snum_opt, dnum_opt, qnum_opt; int (*saxpby_k)(...)
        if (at < 3 || fromTable.get(at) != fromAxpby.address()) {
            return "table layout not recognised";
        }
        long init = toTable.get(at - 3);
        IntPointer toInts = new IntPointer(to).capacity(SCAN_BYTES / 4);
        IntPointer fromInts = new IntPointer(from).capacity(SCAN_BYTES / 4);
        for (int j = 0; j < 3; j++) {
            int opt = toInts.get(2 * (at - 2) + j);
            if (opt < 1 || opt > 64) {
                return "table layout not recognised";
            }
        }
        // the current table is initialised (its sgemm block sizes P, Q, R set), the target not yet
        boolean layoutAsExpected = fromInts.get(4) > 0 && fromInts.get(5) > 0 && fromInts.get(6) > 0 && toInts.get(4) == 0;
        if (init == 0 || !layoutAsExpected) {
            return "table layout not recognised";
        }
        // the table's init(void) through the preset's void(int) function type, whose native object
        // starts with the function's address: the table's own slot is such an object. The extra
        // integer argument goes in a register that a function without parameters never reads.
        long slot = to.address() + 8L * (at - 3);
        new SetNumThreads(new Pointer() {
            {
                address = slot;
            }
        }).call(0);
        if (toInts.get(4) <= 0 || toInts.get(5) <= 0 || toInts.get(6) <= 0) {
            return "its initialisation did not set the block sizes";
        }
        new LongPointer(gotoblas).capacity(1).put(0, to.address());
        return null;
    }

    /** The address of an exported symbol of the loaded native libraries, or null. */
    private static Pointer symbol(String name) {
        Pointer p = Loader.addressof(name);
        return p == null || p.isNull() ? null : p;
    }

    /** HotSpot's UseAVX (0-3: the vector instructions the JVM found usable on this CPU and OS), or 0 elsewhere. */
    private static int jvmAvxLevel() {
        try {
            return Integer.parseInt(hotSpotOption("UseAVX"));
        } catch (RuntimeException | LinkageError e) { // not HotSpot, not x86, or a runtime without jdk.management
            return 0;
        }
    }

    private static boolean jvmFlag(String name) {
        try {
            return Boolean.parseBoolean(hotSpotOption(name));
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String hotSpotOption(String name) {
        return ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
    }
}
