package dev.iomem.cli;

import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaMapper;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.dma.DmaBuffer;
import dev.iomem.core.dma.DmaBuffers;
import dev.iomem.core.dma.DmaMapperChoice;
import dev.iomem.core.dma.DmaMappers;
import dev.iomem.core.dma.HugePagePolicy;
import dev.iomem.core.dma.PagemapDmaMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code iomem map}: allocates locked DMA memory, maps it (pagemap, or VFIO for a device bound
 * to vfio-pci), prints the DMA-only table's summary, and unmaps and frees everything again.
 */
@Command(name = "map", mixinStandardHelpOptions = true,
        description = {"Allocate SIZE bytes of locked DMA memory, map it for DMA, print the DMA-only scatter-gather "
                + "table (address space, segment count, coalescing ratio, first and last segment), then unmap and free it.",
            "Without --device the memory is mapped through /proc/self/pagemap (physical addresses), which needs root "
                + "(CAP_SYS_ADMIN). With --device, VFIO is used when /dev/vfio serves the device's IOMMU group.",
            "Exits 0 when the mapping worked, 1 when it failed (one line on stderr, nothing on stdout), 2 for bad options."})
final class MapCommand extends IomemSubcommand {

    private static final long BASE_PAGE = 4096;

    @Option(names = "--size", required = true, paramLabel = "SIZE", converter = ByteSizeConverter.class,
            description = "Bytes to allocate and map; K, M, G, T suffixes (binary), e.g. 64M.")
    long size;

    @Option(names = "--hugepages", description = "Back the memory with 2 MiB hugepages; fails, saying what to change, "
            + "if the pool (vm.nr_hugepages) is short.")
    boolean hugePages;

    @Option(names = "--max-segment", paramLabel = "N", converter = ByteSizeConverter.class,
            description = "Longest DMA segment, 1 to 4 GiB - 1 bytes (default ${DEFAULT-VALUE}: the largest).",
            defaultValue = "4294967295")
    long maxSegment;

    @Option(names = "--boundary", paramLabel = "MASK", converter = MaskConverter.class,
            description = "Segment boundary mask 2^n-1 (e.g. 0xffff): no segment crosses a multiple of MASK+1 "
                    + "(default: none).")
    Long boundary;

    @Option(names = "--address-bits", paramLabel = "N", defaultValue = "64",
            description = "Width of the device's DMA mask, 1 to 64 (default ${DEFAULT-VALUE}); memory above it is an error.")
    int addressBits;

    @Option(names = "--device", paramLabel = "BDF",
            description = "The PCI function (dddd:bb:dd.f) that would do the DMA: selects VFIO if usable for it.")
    String device;

    @Override
    protected int run() {
        global();
        if (size <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--size must be positive, got " + size);
        }
        DmaConstraints constraints = DmaConstraints.UNRESTRICTED;
        try {
            constraints = constraints.withAddressBits(addressBits);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--address-bits: " + e.getMessage());
        }
        try {
            constraints = constraints.withMaxSegmentSize(maxSegment);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-segment: " + e.getMessage());
        }
        try {
            constraints = constraints.withBoundaryMask(boundary == null ? -1L : boundary);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--boundary: " + e.getMessage());
        }
        PciAddress dev;
        try {
            dev = device == null ? null : PciAddress.parse(device);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--device: " + e.getMessage());
        }

        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> segments = new ArrayList<>();
        try (DmaMapperChoice choice = dev == null
                ? new DmaMapperChoice(PagemapDmaMapper.create(), "pagemap, physical addresses: no --device was given")
                : DmaMappers.select(dev)) {
            DmaMapper mapper = choice.mapper();
            if (mapper instanceof PagemapDmaMapper pagemap) {
                pagemap.checkPrivilege(); // before anything is allocated or locked
            }
            try (Arena arena = Arena.ofConfined()) {
                DmaBuffer buffer = DmaBuffers.allocate(arena, size, hugePages ? HugePagePolicy.REQUIRE : HugePagePolicy.NEVER);
                try (DmaOnlySgTable table = dev == null
                        ? ((PagemapDmaMapper) mapper).mapUser(buffer.memory(), DmaDirection.BIDIRECTIONAL, constraints)
                        : mapper.mapUser(dev, buffer.memory(), DmaDirection.BIDIRECTIONAL, constraints)) {
                    int count = table.segmentCount();
                    long basePages = (size + BASE_PAGE - 1) / BASE_PAGE;
                    out.put("mapper", mapper.name());
                    out.put("reason", choice.reason());
                    out.put("device", dev == null ? null : dev.toString());
                    out.put("addressSpace", table.addressSpace());
                    out.put("size", size);
                    out.put("totalLength", table.totalLength());
                    out.put("hugePages", buffer.hugePages());
                    out.put("bufferPageSize", buffer.pageSize());
                    out.put("basePages", basePages);
                    out.put("segmentCount", count);
                    out.put("coalescingRatio", Math.round(100.0 * basePages / count) / 100.0);
                    Map<String, Object> c = new LinkedHashMap<>();
                    c.put("addressBits", constraints.addressBits());
                    c.put("maxSegmentSize", constraints.maxSegmentSize());
                    // null for "no boundary": all ones does not survive JSON readers that use doubles.
                    c.put("boundaryMask", constraints.boundaryMask() == -1L ? null : unsigned(constraints.boundaryMask()));
                    c.put("alignment", constraints.alignment());
                    out.put("constraints", c);
                    out.put("first", segment(table.dmaAddress(0), table.length(0)));
                    out.put("last", segment(table.dmaAddress(count - 1), table.length(count - 1)));
                    if (json) {
                        table.forEachSegment((i, a, l) -> segments.add(segment(a, l)));
                    }
                }
            }
        }
        out.put("unmapped", true);
        if (json) {
            out.put("segments", segments);
        }

        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.println(JsonText.of(out));
        } else {
            printText(w, out, constraints);
        }
        w.flush();
        return 0;
    }

    private static Map<String, Object> segment(long address, long length) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("address", unsigned(address));
        m.put("length", length);
        return m;
    }

    private static Number unsigned(long v) {
        return v >= 0 ? (Number) v : new BigInteger(Long.toUnsignedString(v));
    }

    @SuppressWarnings("unchecked")
    private static void printText(PrintWriter w, Map<String, Object> o, DmaConstraints c) {
        long size = (long) o.get("size");
        w.printf("Mapped %s for DMA with %s, then unmapped and freed it.%n", bytes(size), o.get("mapper"));
        w.printf("  why            %s%n", o.get("reason"));
        w.printf("  address space  %s%n", o.get("addressSpace"));
        w.printf("  buffer         %s, locked, in %s pages%n", bytes(size),
                Boolean.TRUE.equals(o.get("hugePages")) ? "2 MiB huge" : bytes((long) o.get("bufferPageSize")));
        w.printf("  constraints    %d-bit DMA mask, segments up to %d bytes, %s%n", c.addressBits(), c.maxSegmentSize(),
                c.boundaryMask() == -1L ? "no boundary" : "boundary mask 0x" + Long.toHexString(c.boundaryMask()));
        w.printf(Locale.ROOT, "  segments       %d for %d pages of 4 KiB (coalescing ratio %.2f pages per segment)%n",
                o.get("segmentCount"), o.get("basePages"), (double) o.get("coalescingRatio"));
        for (String which : List.of("first", "last")) {
            Map<String, Object> s = (Map<String, Object>) o.get(which);
            w.printf("  %-14s 0x%016x  length %d%n", which, ((Number) s.get("address")).longValue(), s.get("length"));
        }
    }

    private static String bytes(long n) {
        if (n >= (1L << 30) && n % (1L << 30) == 0) {
            return (n >> 30) + " GiB";
        }
        if (n >= (1L << 20) && n % (1L << 20) == 0) {
            return (n >> 20) + " MiB";
        }
        if (n >= 1024 && n % 1024 == 0) {
            return (n >> 10) + " KiB";
        }
        return n + " bytes";
    }
}
