package dev.iomem.cli;

import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.vfio.VfioDevice;
import dev.iomem.core.vfio.VfioIommu;
import dev.iomem.core.vfio.VfioIrqInfo;
import dev.iomem.core.vfio.VfioRegion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code iomem vfio info ADDR}: opens a function bound to vfio-pci with {@link VfioDevice} and
 * shows what the kernel reports: its regions (index, name, size, file offset, flags, sparse mmap
 * areas, whether the MSI-X table may be mapped), its interrupt indices with their counts and
 * flags, the IOMMU path chosen and why, the IOMMU group, the IOVA ranges and whether the device
 * can be reset. It maps no BAR, enables no interrupt, maps no DMA and resets nothing.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Open PCI function ADDR through VFIO and show what the kernel reports: regions (index, name, size, "
                + "file offset, flags r/w/mmap, sparse mmap areas, msix-mappable), interrupt indices with vector counts and "
                + "flags, the IOMMU path chosen and why, the IOMMU group, the IOVA ranges, and whether reset is supported.",
            "Nothing is mapped, enabled or reset. The function must be bound to vfio-pci (iomem vfio bind ADDR) and have "
                + "an IOMMU group; opening it needs access to /dev/vfio (or /dev/iommu) and the group's other functions "
                + "must not be in use by other drivers."})
final class VfioInfoCommand extends IomemSubcommand {

    @Mixin
    VfioSysfsOption sysfs;

    @Mixin
    VfioOpenOptions open;

    @Parameters(paramLabel = "ADDR", description = "The function (dddd:bb:dd.f).")
    String addressText;

    @Override
    protected int run() {
        PciAddress address = address(addressText);
        var options = open.options(sysfs.pciDevices(), null);
        Map<String, Object> info;
        try (VfioDevice device = VfioDevice.open(address, options)) {
            info = describe(device);
        }
        PrintWriter w = out();
        if (json) {
            w.println(JsonText.of(info));
        } else {
            text(info).forEach(w::println);
        }
        w.flush();
        return 0;
    }

    /**
     * {@return {@code text} as a PCI address}
     *
     * @throws BadArgumentException if it is not one ({@code dddd:bb:dd.f})
     */
    static PciAddress address(String text) {
        try {
            return PciAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadArgumentException(e.getMessage());
        }
    }

    /** {@return what the device reports, as the JSON output's object} */
    static Map<String, Object> describe(VfioDevice device) {
        Map<String, Object> out = new LinkedHashMap<>();
        VfioIommu iommu = device.iommu();
        out.put("device", device.address().toString());
        out.put("iommuGroup", device.iommuGroup());
        out.put("iommuPath", device.iommuPath().label());
        out.put("iommuPathReason", device.iommuPathReason());
        out.put("iommu", iommu.describe());
        out.put("iommuPageSize", iommu.pageSize());
        out.put("dmaMappingsAvailable", iommu.dmaAvailable().isPresent() ? iommu.dmaAvailable().getAsInt() : null);
        out.put("iovaRanges", iommu.iovaRanges().stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("start", hex(r.start()));
            m.put("last", hex(r.last()));
            return m;
        }).toList());
        out.put("resettable", device.resettable());
        List<Map<String, Object>> regions = new ArrayList<>();
        for (VfioRegion r : device.regions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", r.index());
            m.put("name", r.name());
            m.put("present", r.present());
            m.put("size", hex(r.size()));
            m.put("fileOffset", hex(r.fileOffset()));
            m.put("readable", r.readable());
            m.put("writable", r.writable());
            m.put("mmappable", r.mmappable());
            m.put("sparseAreas", r.sparseAreas().stream().map(a -> {
                Map<String, Object> am = new LinkedHashMap<>();
                am.put("offset", hex(a.offset()));
                am.put("size", hex(a.size()));
                return am;
            }).toList());
            m.put("msixMappable", r.msixMappable());
            if (r.index() < 6 && r.present()) {
                m.put("access", device.barIsMapped(r.index()) ? "mmap" : "pread/pwrite");
            }
            regions.add(m);
        }
        out.put("regions", regions);
        out.put("irqs", device.irqs().stream().map(VfioInfoCommand::irq).toList());
        return out;
    }

    private static Map<String, Object> irq(VfioIrqInfo i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", i.type());
        m.put("index", i.type().index());
        m.put("count", i.count());
        m.put("eventfd", i.eventfd());
        m.put("maskable", i.maskable());
        m.put("automasked", i.automasked());
        m.put("noResize", i.noResize());
        return m;
    }

    /** {@return the human text of {@link #describe}'s object} */
    @SuppressWarnings("unchecked")
    static List<String> text(Map<String, Object> info) {
        List<String> lines = new ArrayList<>();
        lines.add(info.get("device") + ": vfio-pci, IOMMU group " + info.get("iommuGroup"));
        lines.add("  IOMMU path   " + info.get("iommuPathReason"));
        Object avail = info.get("dmaMappingsAvailable");
        lines.add("  IOMMU        " + info.get("iommu") + ", page size " + PciDescription.size((long) info.get("iommuPageSize"))
                + (avail == null ? "" : ", " + avail + " DMA mappings available"));
        List<Map<String, Object>> ranges = (List<Map<String, Object>>) info.get("iovaRanges");
        lines.add("  IOVA ranges  " + (ranges.isEmpty() ? "none reported (the kernel predates the IOVA range capability)"
                : String.join(", ", ranges.stream().map(r -> r.get("start") + "-" + r.get("last")).toList())));
        lines.add("  reset        " + ((boolean) info.get("resettable") ? "supported (VFIO_DEVICE_RESET)"
                : "not supported (no FLR, PM or bus reset for this function)"));
        lines.add("  regions");
        lines.add(String.format("    %-5s %-8s %-12s %-14s %s", "index", "name", "size", "file offset", "flags"));
        for (Map<String, Object> r : (List<Map<String, Object>>) info.get("regions")) {
            if (!(boolean) r.get("present")) {
                lines.add(String.format("    %-5s %-8s %s", r.get("index"), r.get("name"), "absent"));
                continue;
            }
            List<String> flags = new ArrayList<>();
            flags.add(((boolean) r.get("readable") ? "r" : "-") + ((boolean) r.get("writable") ? "w" : "-"));
            if ((boolean) r.get("mmappable")) {
                flags.add("mmap");
            }
            if ((boolean) r.get("msixMappable")) {
                flags.add("msix-mappable");
            }
            List<Map<String, Object>> sparse = (List<Map<String, Object>>) r.get("sparseAreas");
            if (!sparse.isEmpty()) {
                flags.add("sparse " + String.join(", ", sparse.stream().map(a -> a.get("offset") + "+" + a.get("size")).toList()));
            }
            if (r.containsKey("access")) {
                flags.add("(iomem: " + r.get("access") + ")");
            }
            lines.add(String.format("    %-5s %-8s %-12s %-14s %s", r.get("index"), r.get("name"), r.get("size"), r.get("fileOffset"),
                    String.join(" ", flags)));
        }
        lines.add("  interrupts");
        for (Map<String, Object> i : (List<Map<String, Object>>) info.get("irqs")) {
            int count = (int) i.get("count");
            List<String> flags = new ArrayList<>();
            for (String f : List.of("eventfd", "maskable", "automasked", "noResize")) {
                if ((boolean) i.get(f)) {
                    flags.add(f.equals("noResize") ? "noresize" : f);
                }
            }
            lines.add(String.format("    %-5s %4d vector%s%s", i.get("type"), count, count == 1 ? " " : "s",
                    flags.isEmpty() ? "" : "  " + String.join(" ", flags)).stripTrailing());
        }
        return lines;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
