package dev.iomem.arch.x86;

import dev.iomem.api.DeviceQuirk;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.api.WidthNotAllowedException;
import dev.iomem.core.IoPlatform;
import dev.iomem.core.Iomem;
import dev.iomem.core.access.MappedBus;
import dev.iomem.spi.MappedRegion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The x86_64 backend on this machine")
class X86BackendTest {

    @Test
    @DisplayName("is available here and chosen by Iomem.platform()")
    void chosen() {
        IoPlatform p = Iomem.platform();
        assertThat(p.candidate().name()).isEqualTo("x86_64");
        assertThat(p.isNative()).isTrue();
    }

    @Test
    @DisplayName("opens a FileChannel.map window (the code path of sysfs resourceN) and writes exactly the bytes asked for")
    void opensMappedFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("resource0");
        Files.write(f, new byte[16384]);
        try (Arena arena = Arena.ofShared(); FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, 16384, arena);
            try (IoAccessor bar = Iomem.platform().open(new MappedRegion(seg, MemoryType.DEVICE, "test resource0", false))) {
                bar.write32(0x10, 0xDEADBEEF);
                bar.write64Relaxed(0x21, 0x0102030405060708L); // x86 tolerates unaligned UC accesses
                assertThat(bar.read64Relaxed(0x21)).isEqualTo(0x0102030405060708L);
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment src = a.allocate(1001);
                    for (int i = 0; i < 1001; i++) src.set(ValueLayout.JAVA_BYTE, i, (byte) i);
                    bar.copyToIo(src, 0x1003);
                    MemorySegment back = a.allocate(1001);
                    bar.copyFromIo(0x1003, back);
                    assertThat(back.mismatch(src)).isEqualTo(-1);
                }
                bar.flushWrites();
            }
        }
        byte[] file = Files.readAllBytes(f);
        assertThat(file[0x10]).isEqualTo((byte) 0xEF);
        assertThat(file[0x13]).isEqualTo((byte) 0xDE);
        assertThat(file[0x1003 + 1000]).isEqualTo((byte) 1000);
        assertThat(file[0x1003 + 1001]).isZero();
    }

    @Test
    @DisplayName("probe() says copies and fills run in the native routines here")
    void probeSaysNative() {
        assertThat(new X86Backend().probe().reason()).contains("copies and fills run in native x86-64 routines");
    }

    @Test
    @DisplayName("over a FileChannel.map window, openBus's native copies give the same bytes as a MappedBus without routines (the Java loops)")
    void nativeCopiesMatchJava(@TempDir Path dir) throws IOException {
        X86Backend backend = new X86Backend();
        Path fn = dir.resolve("native");
        Path fj = dir.resolve("java");
        Files.write(fn, new byte[8192]);
        Files.write(fj, new byte[8192]);
        try (Arena arena = Arena.ofShared();
             FileChannel cn = FileChannel.open(fn, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileChannel cj = FileChannel.open(fj, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedRegion rn = new MappedRegion(cn.map(FileChannel.MapMode.READ_WRITE, 0, 8192, arena), MemoryType.DEVICE, "n", false);
            MappedRegion rj = new MappedRegion(cj.map(FileChannel.MapMode.READ_WRITE, 0, 8192, arena), MemoryType.DEVICE, "j", false);
            IoAccessor viaNative = backend.accessor(backend.openBus(rn), MemoryType.DEVICE, backend.nativeBarriers());
            IoAccessor viaJava = backend.accessor(new MappedBus(rj), MemoryType.DEVICE, backend.nativeBarriers());
            MemorySegment src = arena.allocate(400, 8);
            for (int i = 0; i < 400; i++) src.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7 + 1));
            MemorySegment backN = arena.allocate(400, 8);
            MemorySegment backJ = arena.allocate(400, 8);
            int at = 0;
            for (int off = 0; off < 16; off++) {
                for (int n : new int[] {0, 1, 2, 3, 4, 5, 7, 8, 33, 255, 300}) {
                    for (IoAccessor io : List.of(viaNative, viaJava)) {
                        io.copyToIo(src.asSlice(off & 7, n), at + off);
                        io.fillIo(4096 + at + off, n, (byte) (0x80 + n));
                    }
                    viaNative.copyFromIo(at + off, backN.asSlice(0, n));
                    viaJava.copyFromIo(at + off, backJ.asSlice(0, n));
                    assertThat(backN.asSlice(0, n).mismatch(src.asSlice(off & 7, n))).isEqualTo(-1);
                    assertThat(backN.asSlice(0, n).mismatch(backJ.asSlice(0, n))).isEqualTo(-1);
                    at = (at + 256) % 3072;
                }
            }
            assertThat(rn.segment().mismatch(rj.segment())).isEqualTo(-1);
        }
        assertThat(Files.readAllBytes(fn)).isEqualTo(Files.readAllBytes(fj));
    }

    @Test
    @DisplayName("through the accessor's native path, a closed or foreign-thread RAM segment throws before any device byte changes")
    void nativePathRefusesDeadRam(@TempDir Path dir) throws Exception {
        X86Backend backend = new X86Backend();
        Path f = dir.resolve("resource0");
        Files.write(f, new byte[4096]);
        try (Arena arena = Arena.ofShared(); FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, 4096, arena);
            IoAccessor bar = backend.accessor(backend.openBus(new MappedRegion(seg, MemoryType.DEVICE, "r", false)),
                    MemoryType.DEVICE, backend.nativeBarriers());
            Arena gone = Arena.ofConfined();
            MemorySegment dead = gone.allocate(64);
            gone.close();
            assertThatThrownBy(() -> bar.copyToIo(dead, 3)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> bar.copyFromIo(3, dead)).isInstanceOf(IllegalStateException.class);
            try (Arena other = Arena.ofConfined()) {
                MemorySegment foreign = other.allocate(64);
                foreign.fill((byte) 1);
                Throwable t = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        bar.copyToIo(foreign, 3);
                        return null;
                    } catch (Throwable e) {
                        return e;
                    }
                }).get();
                assertThat(t).isInstanceOf(WrongThreadException.class);
            }
            assertThat(seg.mismatch(arena.allocate(4096))).isEqualTo(-1);
        }
    }

    @Test
    @DisplayName("a no-64-bit device quirk given to open() forbids writeq on that window")
    void quirk(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("resource0");
        Files.write(f, new byte[4096]);
        try (Arena arena = Arena.ofShared(); FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, 4096, arena);
            IoAccessor bar = Iomem.platform().open(new MappedRegion(seg, MemoryType.DEVICE, "q", false),
                    DeviceQuirk.forbidWidths("no-writeq", Width.LONG));
            assertThatThrownBy(() -> bar.write64(0, 1)).isInstanceOf(WidthNotAllowedException.class);
            bar.write32(0, 1);
        }
        assertThat(Files.readAllBytes(f)[4]).isZero();
    }

    @Test
    @DisplayName("the x86 rules are kernel iomem.c's: any alignment, 4-byte copy bodies, graded edges")
    void rules() {
        var r = new X86Backend().rules(MemoryType.WRITE_COMBINING);
        assertThat(r.naturalAlignment()).isFalse();
        assertThat(r.maxCopyWidth()).isEqualTo(Width.INT);
        assertThat(r.copyAlgorithm()).isEqualTo(dev.iomem.api.CopyAlgorithm.X86);
    }
}
