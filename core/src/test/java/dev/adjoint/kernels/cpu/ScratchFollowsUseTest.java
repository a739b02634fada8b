package dev.adjoint.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adjoint.memory.Memory;
import org.junit.jupiter.api.Test;

/**
 * A thread's scratch arrays are dropped once nothing has needed them at half their size or more
 * over a whole interval between two of the pool's collections (an evaluation at a large batch must
 * not leave its scratch on the heap for good), and kept while they are used at their size.
 */
class ScratchFollowsUseTest {

    @Test
    void scratchUsedAtItsSizeIsKeptAndScratchSizedForAOneOffIsDropped() {
        Memory.collect();
        Memory.collect(); // whatever earlier tests left in these slots sat idle over an interval: dropped
        float[] large = Host.floatScratch(Host.Work.SWAP_SRC, 1_000_000);
        double[] largeD = Host.doubleScratch(Host.Work.SWAP_SRC, 500_000);
        float[] steady = Host.floatScratch(Host.Work.SWAP_DST, 40_000);
        assertThat(Host.floatScratch(Host.Work.SWAP_SRC, 10)).isSameAs(large);

        Memory.collect(); // both were used at full size in this interval: kept
        assertThat(Host.floatScratch(Host.Work.SWAP_DST, 40_000)).isSameAs(steady);
        assertThat(Host.floatScratch(Host.Work.SWAP_SRC, 1_000)).isSameAs(large);
        assertThat(Host.doubleScratch(Host.Work.SWAP_SRC, 1_000)).isSameAs(largeD);

        Memory.collect(); // the large ones were needed at a thousandth of their size: dropped
        assertThat(Host.floatScratch(Host.Work.SWAP_DST, 30_000)).isSameAs(steady); // 3/4 of it: kept
        float[] small = Host.floatScratch(Host.Work.SWAP_SRC, 1_000);
        assertThat(small).isNotSameAs(large).hasSize(1_000);
        assertThat(Host.doubleScratch(Host.Work.SWAP_SRC, 1_000)).isNotSameAs(largeD).hasSize(1_000);
        assertThat(Host.floatScratch(Host.Work.SWAP_SRC, 1_000)).isSameAs(small);
    }
}
