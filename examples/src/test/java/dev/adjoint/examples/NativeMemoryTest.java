package dev.adjoint.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativeMemoryTest {
    @Test
    void trimsOnceAfterACollectionOnceTheDelayHasPassed() throws InterruptedException {
        assertThat(NativeMemory.trim()).as("glibc's malloc_trim through JNA").isTrue();
        NativeMemory.afterStep();
        long before = NativeMemory.trims();
        System.gc();
        NativeMemory.afterStep(); // sees the collection, waits
        assertThat(NativeMemory.trims()).isEqualTo(before);
        Thread.sleep(400);
        NativeMemory.afterStep();
        assertThat(NativeMemory.trims()).isEqualTo(before + 1);
        NativeMemory.afterStep(); // no new collection: no second trim
        assertThat(NativeMemory.trims()).isEqualTo(before + 1);
    }

    @Test
    void mallocFiguresAreConsistent() {
        long[] m = NativeMemory.mallocHeldInUseFree();
        assertThat(m).as("glibc 2.33+ has mallinfo2").isNotNull().hasSize(3);
        assertThat(m[1]).isPositive().isLessThanOrEqualTo(m[0]);
        assertThat(m[2]).isNotNegative().isLessThanOrEqualTo(m[0]);
    }
}
