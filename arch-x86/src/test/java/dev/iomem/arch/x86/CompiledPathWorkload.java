package dev.iomem.arch.x86;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.core.access.MappedBus;
import dev.iomem.spi.MappedRegion;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Runs the BAR paths (scalars, copyToIo, copyFromIo, fillIo) on a mapped file long enough for
 * C2 to compile them, through an accessor with the native copy routines and one without (whose
 * copies are the Java loops); {@link CompiledCodeTest} runs it in a child JVM with PrintAssembly.
 */
public final class CompiledPathWorkload {

    private CompiledPathWorkload() {
    }

    /**
     * Runs the workload.
     *
     * @param args the file to map
     * @throws Exception if the file cannot be mapped
     */
    public static void main(String[] args) throws Exception {
        Path f = Path.of(args[0]);
        Files.write(f, new byte[1 << 16]);
        X86Backend backend = new X86Backend();
        try (Arena arena = Arena.ofShared(); FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, 1 << 16, arena);
            MappedRegion region = new MappedRegion(seg, MemoryType.DEVICE, "workload", false);
            IoAccessor nativeCopies = backend.accessor(backend.openBus(region), MemoryType.DEVICE, backend.nativeBarriers());
            // The same window with no native routines, so that the Java copy loops compile too.
            IoAccessor javaCopies = backend.accessor(new MappedBus(region), MemoryType.DEVICE, backend.nativeBarriers());
            MemorySegment ram = arena.allocate(4096 + 8, 64);
            long sum = 0;
            for (int i = 0; i < 40_000; i++) {
                IoAccessor bar = (i & 1) == 0 ? nativeCopies : javaCopies;
                int off = (i * 8) & 0x3ff8;
                bar.write32(off, i);
                bar.write64Relaxed(off + 0x4000, i);
                bar.write8(off + 1, (byte) i);
                bar.write16Relaxed(off + 2, (short) i);
                sum += bar.read32(off) + bar.read64Relaxed(off + 0x4000) + bar.read8Relaxed(off + 1) + bar.read16(off + 2);
                int len = 64 + (i & 1023);
                int io = 0x8000 + (i & 7);
                bar.copyToIo(ram.asSlice(i & 7, len), io);
                bar.copyFromIo(io, ram.asSlice(i & 3, len));
                bar.fillIo(io + 3, len, (byte) i);
            }
            System.out.println("workload done " + sum);
        }
    }
}
