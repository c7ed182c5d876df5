package dev.iomem.arch.arm64;

import dev.iomem.core.stubs.ExecutableStubs;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.MisalignedAccessException;
import dev.iomem.core.access.MappedBus;
import dev.iomem.spi.IoBus;
import dev.iomem.spi.MappedRegion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The arm64 backend as an aarch64 JVM would use it, on a real file mapping (the code path of a
 * sysfs resourceN), with only the barrier stubs replaced by counters: this CPU never runs them.
 */
@DisplayName("arm64 accessor over a mapped file, end to end")
class Arm64MappedEndToEndTest {

    private static MethodHandle handleFor(Runnable r) throws ReflectiveOperationException {
        return MethodHandles.publicLookup().findVirtual(Runnable.class, "run", MethodType.methodType(void.class)).bindTo(r);
    }

    @Test
    @DisplayName("openBus is a MappedBus; ordered accesses run their stub once; values are little-endian; misalignment never reaches the file")
    void mappedFile(@TempDir Path dir) throws IOException, ReflectiveOperationException {
        Runnable afterRead = mock(Runnable.class);
        Runnable beforeWrite = mock(Runnable.class);
        Runnable flush = mock(Runnable.class);
        ExecutableStubs stubs = mock(ExecutableStubs.class);
        MemorySegment page = Arena.ofAuto().allocate(Arm64Barriers.CODE_BYTES, 4096);
        when(stubs.mapWritable(anyLong())).thenReturn(page);
        MethodHandle a = handleFor(afterRead);
        MethodHandle b = handleFor(beforeWrite);
        MethodHandle f = handleFor(flush);
        when(stubs.link(any())).thenReturn(a, b, f);
        Arm64Backend backend = new Arm64Backend("aarch64", () -> stubs);

        Path file = dir.resolve("resource0");
        Files.write(file, new byte[4096]);
        try (Arena arena = Arena.ofConfined();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment window = ch.map(FileChannel.MapMode.READ_WRITE, 0, 4096, arena);
            IoBus bus = backend.openBus(new MappedRegion(window, MemoryType.DEVICE, "file BAR 0", false));
            assertThat(bus).isInstanceOf(MappedBus.class);
            IoAccessor io = backend.accessor(bus, MemoryType.DEVICE, backend.nativeBarriers());

            io.write32(0x10, 0x11223344);
            verify(beforeWrite, times(1)).run();
            assertThat(io.read32(0x10)).isEqualTo(0x11223344);
            verify(afterRead, times(1)).run();
            io.write32Relaxed(0x14, 0x55667788);
            io.flushWrites();
            verify(flush, times(1)).run();
            verify(beforeWrite, times(1)).run(); // relaxed: no barrier

            assertThatThrownBy(() -> io.read32(0x11)).isInstanceOf(MisalignedAccessException.class);
            assertThatThrownBy(() -> io.write64(0x14, -1L)).isInstanceOf(MisalignedAccessException.class);
            verify(afterRead, times(1)).run();

            byte[] src = HexFormat.of().parseHex("0102030405060708090a0b0c0d");
            io.copyToIo(MemorySegment.ofArray(src), 0x23);
            ch.force(true);
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        assertThat(HexFormat.of().formatHex(bytes.array(), 0x10, 0x18)).isEqualTo("4433221188776655");
        assertThat(HexFormat.of().formatHex(bytes.array(), 0x22, 0x31)).isEqualTo("000102030405060708090a0b0c0d00");
    }

    @Test
    @DisplayName("off arm64 the real backend will not open a bus")
    void realBackendOffArm64() {
        Arm64Backend backend = new Arm64Backend();
        if (System.getProperty("os.arch").equals("aarch64")) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MappedRegion region = new MappedRegion(arena.allocate(4096), MemoryType.DEVICE, "BAR", false);
            assertThatThrownBy(() -> backend.openBus(region)).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("aarch64 backend cannot open BAR: os.arch is");
        }
    }
}
