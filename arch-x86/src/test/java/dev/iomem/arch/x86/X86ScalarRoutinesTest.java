package dev.iomem.arch.x86;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link X86ScalarRoutines}: objdump reads each routine's bytes as its listing (one {@code mov}
 * and a {@code ret}), and on this machine's RAM each stores and loads exactly its bytes,
 * little-endian, at every alignment. {@link ExecutedAccessesTest} checks the instruction that
 * touches the memory at every JIT tier.
 */
@DisplayName("The x86-64 unaligned scalar routines")
class X86ScalarRoutinesTest {

    @Test
    @DisplayName("each routine disassembles to exactly its listing: one mov of its width, then ret")
    void matchesListing(@TempDir Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/objdump")), "objdump (binutils) is needed");
        for (List<String> listing : X86ScalarRoutines.LISTINGS) {
            List<String> expected = listing.stream().map(l -> {
                int bar = l.indexOf('|');
                return l.substring(0, bar).strip() + " | " + l.substring(bar + 1).strip().replaceAll("\\s+", " ");
            }).toList();
            assertThat(X86CopyRoutinesDisassemblyTest.disassembly(dir, X86CopyRoutines.bytesOf(listing))).containsExactlyElementsOf(expected);
            assertThat(expected).hasSize(2);
            assertThat(expected.get(0)).matches(".*\\| mov[zwl]* .*");
            assertThat(expected.get(1)).endsWith("| ret");
        }
    }

    @Test
    @DisplayName("on RAM, every width at every offset 0..15 stores and loads exactly its bytes, little-endian, and nothing around them")
    void roundTripsOnRam() {
        Assumptions.assumeTrue(X86ScalarRoutines.isAvailable(), () -> "routines unavailable: " + X86ScalarRoutines.unavailabilityCause());
        X86ScalarRoutines r = X86ScalarRoutines.INSTANCE;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment mem = arena.allocate(64, 64);
            for (int bytes : new int[] {2, 4, 8}) {
                for (long off = 8; off < 24; off++) {
                    mem.fill((byte) 0xEE);
                    long v = 0x8877665544332211L;
                    switch (bytes) {
                        case 2 -> r.store16(mem, off, (short) v);
                        case 4 -> r.store32(mem, off, (int) v);
                        default -> r.store64(mem, off, v);
                    }
                    for (long i = 0; i < 64; i++) {
                        byte expected = i >= off && i < off + bytes ? (byte) (0x11 * (i - off + 1)) : (byte) 0xEE;
                        assertThat(mem.get(ValueLayout.JAVA_BYTE, i)).as("byte %d after a %d-byte store at %d", i, bytes, off).isEqualTo(expected);
                    }
                    long loaded = switch (bytes) {
                        case 2 -> r.load16(mem, off) & 0xffffL;
                        case 4 -> r.load32(mem, off) & 0xffff_ffffL;
                        default -> r.load64(mem, off);
                    };
                    assertThat(loaded).isEqualTo(bytes == 8 ? v : v & ((1L << (8 * bytes)) - 1));
                }
            }
            mem.set(ValueLayout.JAVA_SHORT_UNALIGNED, 3, (short) 0xF00D);
            assertThat(r.load16(mem, 3)).as("a negative short comes back as that short").isEqualTo((short) 0xF00D);
        }
    }

    @Test
    @DisplayName("probe() says unaligned scalars run in the native routines here")
    void probeSaysNative() {
        assertThat(new X86Backend().probe().reason()).contains("unaligned scalars run in native x86-64 routines");
    }
}
