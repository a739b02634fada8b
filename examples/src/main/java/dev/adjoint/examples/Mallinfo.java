package dev.adjoint.examples;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;

final class Mallinfo {
    interface C extends Library {
        // struct mallinfo2 returned by value: 10 size_t; use a pointer trick via mallinfo2 not possible; use malloc_info? 
        int malloc_trim(long pad);
    }
    interface C2 extends Library {
        MI.ByValue mallinfo2();
    }
    public static class MI extends com.sun.jna.Structure {
        public long arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
        @Override protected java.util.List<String> getFieldOrder() { return java.util.Arrays.asList("arena","ordblks","smblks","hblks","hblkhd","usmblks","fsmblks","uordblks","fordblks","keepcost"); }
        public static class ByValue extends MI implements com.sun.jna.Structure.ByValue {}
    }
    static long[] get() {
        C2 c = Native.loadLibrary("c", C2.class);
        MI m = c.mallinfo2();
        return new long[] {m.arena, m.ordblks, m.smblks, m.hblks, m.hblkhd, m.usmblks, m.fsmblks, m.uordblks, m.fordblks, m.keepcost};
    }
}
