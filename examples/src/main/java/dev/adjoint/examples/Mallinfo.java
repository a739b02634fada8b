package dev.adjoint.examples;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import java.util.Arrays;
import java.util.List;

/**
 * glibc's {@code mallinfo2()}: how much memory malloc holds and how much of it is in use, for the
 * memory benchmark's report (ND4J's native temporaries live in malloc's heaps).
 */
final class Mallinfo {
    private Mallinfo() {
    }

    private interface C extends Library {
        Fields.ByValue mallinfo2();
    }

    /** struct mallinfo2: ten size_t fields, in this order. */
    public static class Fields extends Structure {
        public long arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;

        @Override
        protected List<String> getFieldOrder() {
            return Arrays.asList("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost");
        }

        public static class ByValue extends Fields implements Structure.ByValue {
        }
    }

    /** {held from the system (heaps + mmapped blocks), in use, free in its heaps} in bytes, or null without glibc. */
    static long[] heldInUseFree() {
        try {
            Fields f = Native.loadLibrary("c", C.class).mallinfo2();
            return new long[] {f.arena + f.hblkhd, f.uordblks + f.hblkhd, f.fordblks};
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return null;
        }
    }
}
