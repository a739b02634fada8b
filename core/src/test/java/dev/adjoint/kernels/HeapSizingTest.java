package dev.adjoint.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class HeapSizingTest {
    @Test
    void thePropertyIsOnUnlessFalseAndAMistypedValueIsAnError() {
        assertThat(HeapSizing.enabled(null)).isTrue();
        assertThat(HeapSizing.enabled(" TRUE ")).isTrue();
        assertThat(HeapSizing.enabled("false")).isFalse();
        assertThatThrownBy(() -> HeapSizing.enabled("no")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("adjoint.resizeHeap").hasMessageContaining("true or false");
    }

    @Test
    void theFirstEndOfStepCollectsOnceAndLaterOnesDoNot() {
        boolean first = !HeapSizing.done(); // another test in this JVM may have ended a step already
        long before = collections();
        Arena.endOfStep();
        long after = collections();
        assertThat(HeapSizing.done()).isTrue();
        if (first && HeapSizing.enabled(System.getProperty(HeapSizing.PROPERTY))) {
            assertThat(after).as("collections after the first step").isGreaterThan(before);
        }
        // later steps leave collecting to the JVM: no full collection per step
        long fullBefore = fullCollections();
        for (int i = 0; i < 20; i++) {
            Arena.endOfStep();
        }
        assertThat(fullCollections()).isEqualTo(fullBefore);
        Arena.clearPool();
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, b.getCollectionCount());
        }
        return n;
    }

    /** Collections by the old-generation collector (G1's "G1 Old Generation" counts full collections). */
    private static long fullCollections() {
        long n = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (b.getName().contains("Old") || b.getName().contains("MarkSweep")) {
                n += Math.max(0, b.getCollectionCount());
            }
        }
        return n;
    }
}
