package dev.iomem.core.pci;

import dev.iomem.api.MemoryType;
import dev.iomem.api.pci.Bar;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.api.pci.PciDevice;
import dev.iomem.spi.MappedRegion;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Maps BAR windows through sysfs: {@code resourceN} as {@link MemoryType#DEVICE} (the kernel maps
 * it uncached) and {@code resourceN_wc} as {@link MemoryType#WRITE_COMBINING} (the kernel creates
 * it only for prefetchable memory BARs). Both go through
 * {@link FileChannel#map(FileChannel.MapMode, long, long, Arena)} and never beyond the file's
 * size (mapping beyond it would make {@code FileChannel} try to grow the file). Any regular file
 * can stand in for a BAR through {@link #mapFile}, by the same code.
 *
 * <p>Every argument is checked before a file is opened. This machine's kernel offers no
 * {@code resourceN} files, so BAR mapping has been exercised here only on stand-in files and on
 * that missing-file error; it has not run against a real BAR.
 */
public final class SysfsBarMapper {

    private final SysfsPciTopology topology;

    /**
     * Creates a mapper for the functions of a topology.
     *
     * @param topology where the functions and their BARs are
     * @throws NullPointerException if {@code topology} is {@code null}
     */
    public SysfsBarMapper(SysfsPciTopology topology) {
        this.topology = Objects.requireNonNull(topology, "topology");
    }

    /**
     * Maps a window of a BAR.
     *
     * @param address  the function
     * @param bar      the BAR index, 0 to 5
     * @param type     {@link MemoryType#DEVICE} for {@code resourceN},
     *                 {@link MemoryType#WRITE_COMBINING} for {@code resourceN_wc}
     * @param offset   the window's offset in the BAR
     * @param length   the window's length, positive
     * @param readOnly whether to map read-only (the file is then opened for reading only)
     * @param arena    the arena that owns the mapping; closing it unmaps
     * @return the mapped window
     * @throws NullPointerException     if a reference argument is {@code null}
     * @throws IllegalArgumentException if {@code bar} is not 0 to 5, there is no such function,
     *                                  the BAR is absent or I/O space, write-combining is asked of
     *                                  a BAR that is not prefetchable, or the window is not inside
     *                                  the BAR
     * @throws BarMappingException      if the {@code resourceN} file is missing (the kernel
     *                                  offers no BAR mmap), is a symbolic link or not a regular
     *                                  file, permission is denied, it is smaller than the window,
     *                                  or the mapping fails
     */
    public MappedRegion map(PciAddress address, int bar, MemoryType type, long offset, long length, boolean readOnly, Arena arena) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(arena, "arena");
        Bar b = checkedBar(address, bar, type);
        String subject = address + " BAR " + bar;
        if (offset < 0 || length <= 0 || offset > b.size() || length > b.size() - offset) {
            throw new IllegalArgumentException(subject + ": the window at offset 0x" + Long.toHexString(offset) + " of length 0x"
                    + Long.toHexString(length) + " is not inside the BAR's 0x" + Long.toHexString(b.size()) + " bytes");
        }
        String name = "resource" + bar + (type == MemoryType.WRITE_COMBINING ? "_wc" : "");
        Path file = topology.functionDirectory(address).resolve(name);
        return mapPath(file, offset, length, type, readOnly, arena, true, subject, subject + " (" + name + ")");
    }

    /**
     * Maps a whole BAR.
     *
     * @param address  the function
     * @param bar      the BAR index, 0 to 5
     * @param type     the memory type, as for {@link #map}
     * @param readOnly whether to map read-only
     * @param arena    the arena that owns the mapping
     * @return the mapped BAR
     * @throws NullPointerException     if a reference argument is {@code null}
     * @throws IllegalArgumentException under the conditions of {@link #map}
     * @throws BarMappingException      under the conditions of {@link #map}
     */
    public MappedRegion mapWhole(PciAddress address, int bar, MemoryType type, boolean readOnly, Arena arena) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(type, "type");
        Bar b = checkedBar(address, bar, type);
        return map(address, bar, type, 0, b.size(), readOnly, arena);
    }

    private Bar checkedBar(PciAddress address, int bar, MemoryType type) {
        if (bar < 0 || bar > 5) {
            throw new IllegalArgumentException(address + ": BAR index " + bar + " is not 0 to 5");
        }
        PciDevice d = topology.device(address).orElseThrow(() -> new IllegalArgumentException(
                "no PCI function " + address + " under " + topology.root()));
        Bar b = d.bars().get(bar);
        if (!b.present()) {
            throw new IllegalArgumentException(address + " BAR " + bar + " is not implemented (sysfs resource shows it empty)");
        }
        if (b.isIo()) {
            throw new IllegalArgumentException(address + " BAR " + bar + " is I/O port space, which cannot be memory-mapped");
        }
        if (type == MemoryType.WRITE_COMBINING && !b.isPrefetchable()) {
            throw new IllegalArgumentException(address + " BAR " + bar + " is not prefetchable, so it has no write-combining "
                    + "mapping (the kernel creates resource" + bar + "_wc only for prefetchable BARs)");
        }
        return b;
    }

    /**
     * Maps a window of any regular file, for example a file standing in for a BAR in tests or
     * with {@code iomem peek --file}.
     *
     * @param file     the file
     * @param offset   the window's offset in the file
     * @param length   the window's length, positive
     * @param type     the memory type to label the window with
     * @param readOnly whether to map read-only
     * @param arena    the arena that owns the mapping
     * @return the mapped window, described as {@code file <path>}
     * @throws NullPointerException     if a reference argument is {@code null}
     * @throws IllegalArgumentException if {@code offset} is negative or {@code length} not positive
     * @throws BarMappingException      if the file is missing, not a regular file, not
     *                                  accessible, smaller than the window, or cannot be mapped
     */
    public static MappedRegion mapFile(Path file, long offset, long length, MemoryType type, boolean readOnly, Arena arena) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(arena, "arena");
        String subject = "file " + file;
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException(subject + ": the window at offset " + offset + " of length " + length
                    + " is empty or negative");
        }
        return mapPath(file, offset, length, type, readOnly, arena, false, subject, subject);
    }

    /**
     * {@return the size of a regular file, to map all of it}
     *
     * @param file the file
     * @throws NullPointerException if {@code file} is {@code null}
     * @throws BarMappingException  if the file is missing, not a regular file or not accessible
     */
    public static long fileSize(Path file) {
        Objects.requireNonNull(file, "file");
        String subject = "file " + file;
        if (!Files.isRegularFile(file)) {
            throw new BarMappingException(subject + (Files.exists(file) ? " is not a regular file" : " does not exist"), null);
        }
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new BarMappingException(subject + ": cannot read its size: " + e.getMessage(), e);
        }
    }

    /** The one mapping path for BARs and stand-in files. */
    private static MappedRegion mapPath(Path file, long offset, long length, MemoryType type, boolean readOnly, Arena arena,
                                        boolean isBar, String subject, String description) {
        // A BAR's resourceN is a regular file in sysfs, never a link: a link (say, planted in a
        // copied tree) is refused and never followed, so a poke cannot be redirected elsewhere.
        if (isBar && Files.isSymbolicLink(file)) {
            throw new BarMappingException(subject + ": " + file + " is a symbolic link, where sysfs has a regular file", null);
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new BarMappingException(subject + ": " + file + " is not a regular file", null);
        }
        Set<OpenOption> options = new HashSet<>();
        options.add(StandardOpenOption.READ);
        if (!readOnly) {
            options.add(StandardOpenOption.WRITE);
        }
        if (isBar) {
            options.add(LinkOption.NOFOLLOW_LINKS);
        }
        try (FileChannel ch = FileChannel.open(file, options)) {
            long size = ch.size();
            if (offset > size || length > size - offset) {
                throw new BarMappingException(subject + ": the window at offset 0x" + Long.toHexString(offset) + " of length 0x"
                        + Long.toHexString(length) + " goes beyond " + file + " (0x" + Long.toHexString(size) + " bytes)", null);
            }
            MemorySegment segment = ch.map(readOnly ? FileChannel.MapMode.READ_ONLY : FileChannel.MapMode.READ_WRITE, offset, length, arena);
            return new MappedRegion(segment, type, description, readOnly);
        } catch (NoSuchFileException e) {
            throw new BarMappingException(subject + ": " + file + " does not exist"
                    + (isBar ? " (this kernel offers no mmap of this BAR through sysfs)" : ""), e);
        } catch (AccessDeniedException e) {
            throw new BarMappingException(subject + ": permission denied opening " + file + (readOnly ? " for reading" : " for writing")
                    + (isBar ? " (mapping a BAR needs root)" : ""), e);
        } catch (IOException e) {
            // A FileSystemException's message repeats the path; its reason alone is the news.
            String why = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.getMessage();
            throw new BarMappingException(subject + ": cannot map " + file + ": " + why, e);
        }
    }
}
