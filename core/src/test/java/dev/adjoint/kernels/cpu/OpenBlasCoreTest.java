package dev.adjoint.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.Set;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * OpenBLAS's kernel choice ({@link OpenBlasCore}): never left on SSE-only kernels where the JVM
 * finds AVX2, nor on 256-bit ones where it finds AVX-512, and the sgemm it then runs is right, including sizes past its blocking and
 * remainders of its unrolling (the block sizes come from the table's own initialisation, which
 * the repair has to run).
 */
class OpenBlasCoreTest {

    @Test
    void openBlasRunsVectorKernelsWhereTheJvmDoes() throws Exception {
        String avx;
        try {
            avx = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class).getVMOption("UseAVX").getValue();
        } catch (RuntimeException notHotSpotOrNotX86) {
            avx = "0";
        }
        Blas.pointer(Nd4j.create(DataType.FLOAT, 1)); // loads Blas, which makes the choice
        String core = OpenBlasCore.current();
        assertThat(OpenBlasCore.describe()).startsWith(core);
        boolean userChose = System.getenv("OPENBLAS_CORETYPE") != null || "keep".equals(System.getProperty(OpenBlasCore.PROPERTY));
        if (Integer.parseInt(avx) >= 2 && !userChose) {
            assertThat(core).as(OpenBlasCore.describe()).isNotIn(SSE_ONLY);
            assertThat(OpenBlasCore.javaLoopsAreFaster()).isFalse();
        }
        if (Integer.parseInt(avx) >= 3 && !userChose) {
            assertThat(core).as(OpenBlasCore.describe()).isNotIn("SANDYBRIDGE", "HASWELL", "ZEN");
        }
        assertThat(OpenBlasCore.javaLoopsAreFaster()).isEqualTo(SSE_ONLY.contains(core) && Integer.parseInt(avx) >= 2);
    }

    private static final Set<String> SSE_ONLY = Set.of("PRESCOTT", "CORE2", "NEHALEM", "BARCELONA");

    @Test
    void onlyTablesWithNarrowerVectorsThanTheTargetAreSwitched() {
        for (String sse : SSE_ONLY) {
            assertThat(OpenBlasCore.narrowerThan(sse, "HASWELL")).as(sse).isTrue();
            assertThat(OpenBlasCore.narrowerThan(sse, "SKYLAKEX")).as(sse).isTrue();
        }
        for (String avx2 : Set.of("SANDYBRIDGE", "HASWELL", "ZEN")) {
            assertThat(OpenBlasCore.narrowerThan(avx2, "HASWELL")).as(avx2).isFalse();
            assertThat(OpenBlasCore.narrowerThan(avx2, "SKYLAKEX")).as(avx2).isTrue();
        }
        for (String other : Set.of("SKYLAKEX", "COOPERLAKE", "BULLDOZER", "EXCAVATOR", "other", "unknown")) {
            assertThat(OpenBlasCore.narrowerThan(other, "SKYLAKEX")).as(other).isFalse();
        }
    }

    @Test
    void aMistypedSettingIsAnErrorNamingIt() {
        String before = System.getProperty(OpenBlasCore.PROPERTY);
        System.setProperty(OpenBlasCore.PROPERTY, "kep");
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(CpuKernels::new).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-Dadjoint.openblas.core=kep").hasMessageContaining("'keep'");
        } finally {
            if (before == null) {
                System.clearProperty(OpenBlasCore.PROPERTY);
            } else {
                System.setProperty(OpenBlasCore.PROPERTY, before);
            }
        }
    }

    @Test
    void sgemmIsRightOnShapesPastTheBlockingAndUnrolling() {
        Random r = new Random(19);
        int[][] shapes = {{1, 1, 1}, {7, 5, 3}, {17, 33, 9}, {16, 150, 100}, {513, 67, 700}, {64, 1025, 400}};
        for (int[] s : shapes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    int m = s[0];
                    int n = s[1];
                    int k = s[2];
                    float[] a = random(r, m * k);
                    float[] b = random(r, k * n);
                    INDArray aa = Nd4j.createFromArray(a);
                    INDArray ba = Nd4j.createFromArray(b);
                    INDArray ca = Nd4j.create(DataType.FLOAT, (long) m * n);
                    FloatPointer ap = Blas.pointer(aa);
                    FloatPointer bp = Blas.pointer(ba);
                    FloatPointer cp = Blas.pointer(ca);
                    Blas.sgemm(ta, tb, m, n, k, 1f, ap, 0, ta ? m : k, bp, 0, tb ? k : n, 0f, cp, 0, n);
                    float[] c = ca.toFloatVector();
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double want = 0;
                            double scale = 0;
                            for (int q = 0; q < k; q++) {
                                double v = (double) (ta ? a[q * m + i] : a[i * k + q]) * (tb ? b[j * k + q] : b[q * n + j]);
                                want += v;
                                scale += Math.abs(v);
                            }
                            assertThat(Math.abs(c[i * n + j] - want)).as("sgemm %s m=%d n=%d k=%d ta=%s tb=%s at (%d, %d)", OpenBlasCore.describe(),
                                    m, n, k, ta, tb, i, j).isLessThanOrEqualTo(1e-5 * scale + 1e-6);
                        }
                    }
                }
            }
        }
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
