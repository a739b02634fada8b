package dev.adjoint.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Java arrays kept for reuse follow the working set: what is taken between two of the pool's
 * collections stays, what sat idle over a whole interval is dropped before the next collection.
 */
class IdleArraysTest {
    /** A length no other test's pooling uses. */
    private static final int N = 123_457;

    @Test
    void indexArraysOfALengthNobodyTakesAreDroppedAtTheSecondCollection() {
        Memory.collect();
        Memory.collect(); // what earlier tests left sat idle over a whole interval: dropped
        assertThat(IntArrays.keptBytes()).isZero();
        long before = 0;
        int[] a = IntArrays.take(N);
        IntArrays.give(a);
        assertThat(IntArrays.keptBytes()).isEqualTo(before + 4L * N);

        Memory.collect(); // taken in this interval: kept
        assertThat(IntArrays.keptBytes()).isEqualTo(before + 4L * N);
        assertThat(IntArrays.take(N)).isSameAs(a);
        IntArrays.give(a);

        Memory.collect(); // taken again in this one: still kept
        assertThat(IntArrays.keptBytes()).isEqualTo(before + 4L * N);
        Memory.collect(); // idle over a whole interval: dropped
        assertThat(IntArrays.keptBytes()).isEqualTo(before);
        assertThat(IntArrays.take(N)).isNotSameAs(a).hasSize(N);
    }
}
