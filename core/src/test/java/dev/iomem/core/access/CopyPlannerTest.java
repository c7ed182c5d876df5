package dev.iomem.core.access;

import dev.iomem.api.AccessRules;
import dev.iomem.api.BlockStoreLimits;
import dev.iomem.api.CopyAlgorithm;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("CopyPlanner against independent models of the kernel's algorithms")
class CopyPlannerTest {

    static final AccessRules X86 = AccessRules.builder("x86_64", MemoryType.DEVICE).naturalAlignment(false)
            .copy(CopyAlgorithm.X86).build();
    static final AccessRules ARM64 = AccessRules.builder("aarch64", MemoryType.DEVICE)
            .copy(CopyAlgorithm.GENERIC).build();
    static final AccessRules S390X = AccessRules.builder("s390x", MemoryType.DEVICE).naturalAlignment(false)
            .copy(CopyAlgorithm.S390X).blockStore(new BlockStoreLimits(128, 8, 8))
            .boundary(4096).cpuByteOrder(ByteOrder.BIG_ENDIAN).build();

    static final AccessRules POWERPC = AccessRules.builder("ppc64le", MemoryType.DEVICE)
            .copy(CopyAlgorithm.POWERPC).relaxedOrdering(dev.iomem.api.RelaxedOrdering.ORDERED).build();

    static List<long[]> plan(AccessRules rules, long off, long len, boolean store) {
        return plan(rules, off, 0, len, store);
    }

    static List<long[]> plan(AccessRules rules, long off, long ram, long len, boolean store) {
        List<long[]> out = new ArrayList<>();
        CopyPlanner.plan(rules, off, ram, len, store, (io, raw, bytes, block) -> {
            if (raw != io - off) {
                assertThat(raw).as("RAM offset of the access at %d", io).isEqualTo(io - off);
            }
            out.add(new long[] {io, bytes, block ? 1 : 0});
        });
        return out;
    }

    // Plain comparisons, AssertJ only for the message of a mismatch: the tests compare millions
    // of accesses, and an assertion object per access made this class the slowest of core.
    private static void same(List<long[]> actual, List<long[]> expected, String what) {
        if (actual.size() != expected.size()) {
            assertThat(actual).as(what).hasSameSizeAs(expected);
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!Arrays.equals(actual.get(i), expected.get(i))) {
                assertThat(actual.get(i)).as(what + " access #" + i).containsExactly(expected.get(i));
            }
        }
    }

    @Test
    @DisplayName("x86: every device offset mod 16 x every length 0..300 matches iomem.c, for copies both ways and fills")
    void x86() {
        for (long base : new long[] {0, 4096, 1L << 40}) {
            for (int off = 0; off < 16; off++) {
                for (int len = 0; len <= 300; len++) {
                    List<long[]> expected = KernelCopyModels.x86(base + off, len);
                    same(plan(X86, base + off, len, true), expected, "x86 toio/fill off=" + off + " len=" + len);
                    same(plan(X86, base + off, len, false), expected, "x86 fromio off=" + off + " len=" + len);
                }
            }
        }
    }

    @Test
    @DisplayName("arm64: every device offset mod 16 x every length 0..300 matches lib/iomem_copy.c")
    void arm64() {
        for (int off = 0; off < 16; off++) {
            for (int len = 0; len <= 300; len++) {
                List<long[]> expected = KernelCopyModels.generic(off, len, 8);
                same(plan(ARM64, off, len, true), expected, "arm64 toio/fill off=" + off + " len=" + len);
                same(plan(ARM64, off, len, false), expected, "arm64 fromio off=" + off + " len=" + len);
            }
        }
    }

    @Test
    @DisplayName("s390x: offsets mod 16 and around a 4 KiB page x lengths 0..300 match zpci_memcpy_toio/fromio")
    void s390x() {
        List<Long> offsets = new ArrayList<>();
        for (long o = 0; o < 16; o++) offsets.add(o);
        for (long o = 4096 - 140; o < 4096 + 20; o++) offsets.add(o);
        for (long off : offsets) {
            for (int len = 0; len <= 300; len++) {
                same(plan(S390X, off, len, true), KernelCopyModels.zpci(off, len, true), "s390x toio off=" + off + " len=" + len);
                same(plan(S390X, off, len, false), KernelCopyModels.zpci(off, len, false), "s390x fromio off=" + off + " len=" + len);
            }
        }
    }

    @Test
    @DisplayName("powerpc: every device offset mod 8 x RAM address mod 8 x length 0..200 matches kernel/io.c, fills on the device address alone")
    void powerpc() {
        for (int off = 0; off < 8; off++) {
            for (int ram = 0; ram < 8; ram++) {
                for (int len = 0; len <= 200; len++) {
                    List<long[]> expected = KernelCopyModels.powerpc(off, ram, len);
                    same(plan(POWERPC, off, ram, len, true), expected, "powerpc toio off=" + off + " ram=" + ram + " len=" + len);
                    same(plan(POWERPC, off, ram, len, false), expected, "powerpc fromio off=" + off + " ram=" + ram + " len=" + len);
                }
            }
            for (int len = 0; len <= 200; len++) {
                same(plan(POWERPC, off, off, len, true), KernelCopyModels.powerpc(off, off, len), "powerpc memset off=" + off + " len=" + len);
            }
        }
    }

    @Test
    @DisplayName("the x86, generic and s390x plans do not depend on the RAM address; powerpc's does")
    void ramSide() {
        for (int ram = 1; ram < 8; ram++) {
            same(plan(X86, 3, ram, 100, true), plan(X86, 3, 0, 100, true), "x86 ram=" + ram);
            same(plan(ARM64, 3, ram, 100, true), plan(ARM64, 3, 0, 100, true), "generic ram=" + ram);
            same(plan(S390X, 3, ram, 300, true), plan(S390X, 3, 0, 300, true), "s390x ram=" + ram);
        }
        assertThat(plan(POWERPC, 0, 1, 16, false)).as("RAM never lines up: bytes throughout").hasSize(16);
    }

    @Test
    @DisplayName("s390x: no access crosses 4 KiB and every block store is <= 128 B, a multiple of 8 and 8-aligned")
    void s390xInvariants() {
        for (long off = 4000; off < 4200; off++) {
            for (long[] a : plan(S390X, off, 9000, true)) {
                assertThat(a[0] / 4096).as("page of first and last byte at " + a[0]).isEqualTo((a[0] + a[1] - 1) / 4096);
                if (a[2] == 1) {
                    assertThat(a[1]).isLessThanOrEqualTo(128).isGreaterThan(8);
                    assertThat(a[1] % 8).isZero();
                    assertThat(a[0] % 8).isZero();
                } else {
                    assertThat(a[1]).isIn(1L, 2L, 4L, 8L);
                }
            }
        }
    }

    @Test
    @DisplayName("a no-64-bit quirk keeps arm64 copies at 4-byte bodies")
    void quirkNarrowsPlans() {
        AccessRules narrowed = ARM64.withQuirk(dev.iomem.api.DeviceQuirk.forbidWidths("no-64", Width.LONG));
        same(plan(narrowed, 3, 40, true), KernelCopyModels.generic(3, 40, 4), "arm64 with no-64 quirk");
    }

    @Test
    @DisplayName("negative offsets or lengths are refused")
    void negative() {
        assertThatThrownBy(() -> plan(X86, -1, 4, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> plan(X86, 0, -4, true)).isInstanceOf(IllegalArgumentException.class);
    }
}
