package com.example.iomem.riscv64;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real mmap/mprotect/munmap downcalls on this machine. The stub bytes are written and made
 * executable but never linked or called: they are riscv64 code and this may be any CPU.
 */
@DisplayName("Native executable mappings")
class RiscvExecutableStubsTest {

    /** The permissions of the mapping that contains {@code address}, from /proc/self/maps. */
    private static Optional<String> permissions(long address) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(l -> {
                    String[] range = l.split(" ")[0].split("-");
                    long lo = Long.parseUnsignedLong(range[0], 16);
                    long hi = Long.parseUnsignedLong(range[1], 16);
                    return Long.compareUnsigned(address, lo) >= 0 && Long.compareUnsigned(address, hi) < 0;
                })
                .map(l -> l.split(" ")[1])
                .findFirst();
    }

    @Test
    @DisplayName("maps a private writable page, then flips it to r-x with the bytes intact, then unmaps it")
    void mapProtectUnmap() throws IOException {
        RiscvExecutableStubs stubs = new RiscvExecutableStubs();
        MemorySegment code = stubs.mapWritable(4096);
        try {
            assertThat(code.address() % 4096).isZero();
            assertThat(permissions(code.address())).contains("rw-p");
            MemorySegment.copy(MemorySegment.ofArray(RiscvInstructions.stub(RiscvInstructions.FENCE_OW_OW)), 0, code, 0, 8);
            stubs.makeExecutable(code);
            assertThat(permissions(code.address())).contains("r-xp");
            assertThat(code.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 0x0F);
            assertThat(code.get(ValueLayout.JAVA_BYTE, 4)).isEqualTo((byte) 0x67);
        } finally {
            stubs.unmap(code);
        }
        assertThat(permissions(code.address())).isEmpty();
    }

    @Test
    @DisplayName("the riscv_flush_icache system call is refused off riscv64, where its number means another call")
    void icacheFlushOnlyOnRiscv64() {
        String arch = System.getProperty("os.arch");
        if (!arch.equals("riscv64")) {
            RiscvExecutableStubs stubs = new RiscvExecutableStubs();
            MemorySegment code = stubs.mapWritable(4096);
            try {
                assertThatThrownBy(() -> stubs.synchronizeInstructionCache(code)).isInstanceOf(IllegalStateException.class)
                        .hasMessage("riscv_flush_icache is a riscv64 system call; os.arch is " + arch);
            } finally {
                stubs.unmap(code);
            }
        }
    }
}
