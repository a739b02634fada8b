package dev.adjoint;

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
}
