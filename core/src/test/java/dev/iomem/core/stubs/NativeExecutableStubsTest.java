package dev.iomem.core.stubs;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real mmap/mprotect/munmap downcalls on this machine. The stub bytes are written and made
 * executable but never linked or called: they are arm64 code and this may be any CPU.
 */
@DisplayName("Native executable mappings")
class NativeExecutableStubsTest {

    /**
     * The permissions of the mapping that contains {@code address}, from /proc/self/maps. The
     * kernel may merge the page into a neighbouring anonymous mapping with the same
     * permissions, so look for the range that contains it, not one that starts at it.
     */
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
        NativeExecutableStubs stubs = new NativeExecutableStubs();
        MemorySegment code = stubs.mapWritable(4096);
        try {
            assertThat(code.address() % 4096).isZero();
            assertThat(permissions(code.address())).contains("rw-p");
            // arm64 "dsb st; ret", little-endian: written and protected, never executed here.
            MemorySegment.copy(MemorySegment.ofArray(new byte[] {(byte) 0x9F, 0x3E, 0x03, (byte) 0xD5, (byte) 0xC0, 0x03, 0x5F, (byte) 0xD6}), 0, code, 0, 8);
            stubs.makeExecutable(code);
            assertThat(permissions(code.address())).contains("r-xp");
            assertThat(code.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 0x9F);
            assertThat(code.get(ValueLayout.JAVA_BYTE, 7)).isEqualTo((byte) 0xD6);
        } finally {
            stubs.unmap(code);
        }
        assertThat(permissions(code.address())).isEmpty();
    }
}
