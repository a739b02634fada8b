package dev.adjoint.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One instance per equal value, up to a bound; past it values come back unshared and unheld. */
class InternerTest {
    @Test
    void equalValuesGiveTheFirstInstance() {
        Interner<List<Integer>> interner = new Interner<>(10);
        List<Integer> first = List.of(1, 2, 3);
        assertThat(interner.find(List.of(1, 2, 3))).isNull();
        assertThat(interner.intern(first)).isSameAs(first);
        List<Integer> equal = List.of(1, 2, 3);
        assertThat(interner.intern(equal)).isSameAs(first).isNotSameAs(equal);
        assertThat(interner.find(equal)).isSameAs(first);
        assertThat(interner.size()).isEqualTo(1);
    }

    @Test
    void onceFullItHandsNewValuesBackWithoutHoldingThem() {
        Interner<String> interner = new Interner<>(2);
        interner.intern("a");
        interner.intern("b");
        String c = new String("c");
        assertThat(interner.intern(c)).isSameAs(c);
        assertThat(interner.find("c")).isNull();
        assertThat(interner.size()).isEqualTo(2);
        assertThat(interner.intern(new String("a"))).isSameAs(interner.find("a")); // held values still shared
        assertThat(interner).hasToString("Interner(2 of at most 2)");
    }

    @Test
    void aNegativeBoundIsRejected() {
        assertThatThrownBy(() -> new Interner<String>(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxEntries");
    }
}
