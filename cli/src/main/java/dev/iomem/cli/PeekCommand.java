package dev.iomem.cli;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.core.IoPlatform;
import dev.iomem.core.vfio.VfioDevice;
import dev.iomem.spi.MappedRegion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code iomem peek}: reads registers of a BAR through the selected backend's accessor, as the C
 * tool {@code pcimem} does, mapping the BAR read-only. Each value is one ordered read of the given
 * width ({@code readb}/{@code readw}/{@code readl}/{@code readq}). With {@code --vfio} the function is
 * opened with {@link VfioDevice} and the BAR is {@link VfioDevice#bar(int)}.
 */
@Command(name = "peek", mixinStandardHelpOptions = true,
        description = {"Read COUNT values of WIDTH bits from BAR BAR of function ADDR at OFFSET, each one ordered read "
                + "through the selected backend. The BAR (resourceN, or resourceN_wc with --wc) is mapped read-only.",
            "With --vfio, the function (bound to vfio-pci: iomem vfio bind ADDR) is opened through VFIO instead and the BAR "
                + "is reached through its VFIO region: mapped where the kernel allows it, else one pread per access. "
                + "Without --vfio a function bound to vfio-pci is still read through sysfs.",
            "With --file PATH, any mappable file stands in for the BAR: iomem peek --file PATH OFFSET."},
        parameterListHeading = "%nParameters: ADDR BAR OFFSET, or with --file: OFFSET (or ADDR BAR OFFSET as labels)%n",
        optionListHeading = "%nOptions (--iommu-path, --dev-vfio and --dev-iommu only with --vfio):%n")
final class PeekCommand extends IomemSubcommand {

    @Mixin
    SysfsOptions sysfs;

    @Parameters(paramLabel = "ARG", arity = "1..3", description = "ADDR (dddd:bb:dd.f), BAR (0-5) and OFFSET (decimal or 0x hex).")
    List<String> args;

    @Option(names = "--width", paramLabel = "BITS", description = "Access width: 8, 16, 32 or 64 (default ${DEFAULT-VALUE}).", defaultValue = "32")
    int widthBits;

    @Option(names = "--count", paramLabel = "N", description = "How many consecutive values to read (default ${DEFAULT-VALUE}).", defaultValue = "1")
    long count;

    @Option(names = "--file", paramLabel = "PATH", description = "Map PATH instead of a BAR.")
    Path file;

    @Option(names = "--wc", description = "Map the BAR write-combining (resourceN_wc; prefetchable BARs only).")
    boolean writeCombining;

    @Option(names = "--vfio", description = "Open the function through VFIO (it must be bound to vfio-pci) and read its BAR region.")
    boolean vfio;

    @Mixin
    VfioOpenOptions vfioOpen;

    @Override
    protected int run() {
        CommandLine cl = spec.commandLine();
        GlobalOptions g = global();
        BarTarget target = BarTarget.parse(args, file);
        Width width = BarTarget.width(widthBits);
        if (count < 1 || count > 1 << 20) {
            throw new BadArgumentException("--count " + count + " is not 1 to " + (1 << 20));
        }
        target.checkVfio(vfio, vfioOpen, writeCombining);
        IoPlatform platform = g.platform();
        MemoryType type = writeCombining ? MemoryType.WRITE_COMBINING : MemoryType.DEVICE;
        List<long[]> values = new ArrayList<>();
        String description;
        String iommuPath = null;
        if (vfio) {
            try (VfioDevice device = target.openVfio(sysfs, vfioOpen, platform)) {
                IoAccessor io = device.bar(target.bar());
                description = VfioOpenOptions.describe(device, target.bar());
                iommuPath = device.iommuPath().label();
                target.checkFits(io.size(), description, width, count);
                readAll(io, target, width, values);
            }
        } else {
            try (Arena arena = Arena.ofConfined()) {
                MappedRegion region = target.map(sysfs, type, true, arena);
                description = region.description();
                target.checkFits(region, width, count);
                try (IoAccessor io = platform.open(region)) {
                    readAll(io, target, width, values);
                }
            }
        }
        PrintWriter w = cl.getOut();
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("target", description);
            out.put("memoryType", type);
            out.put("backend", platform.candidate().name());
            out.put("width", widthBits);
            if (iommuPath != null) {
                out.put("iommuPath", iommuPath);
            }
            out.put("values", values.stream().map(v -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("offset", "0x" + Long.toHexString(v[0]));
                m.put("value", hex(v[1], width));
                return m;
            }).toList());
            w.println(JsonText.of(out));
        } else {
            for (long[] v : values) {
                w.printf("0x%x: %s%n", v[0], hex(v[1], width));
            }
        }
        w.flush();
        return 0;
    }

    private void readAll(IoAccessor io, BarTarget target, Width width, List<long[]> values) {
        for (long i = 0; i < count; i++) {
            long off = target.offset() + i * width.bytes();
            values.add(new long[] {off, read(io, width, off)});
        }
    }

    static long read(IoAccessor io, Width width, long offset) {
        return switch (width) {
            case BYTE -> io.read8(offset) & 0xffL;
            case SHORT -> io.read16(offset) & 0xffffL;
            case INT -> io.read32(offset) & 0xffff_ffffL;
            case LONG -> io.read64(offset);
        };
    }

    /** {@return the value as {@code 0x} and exactly two hex digits per byte of the width} */
    static String hex(long value, Width width) {
        String digits = Long.toHexString(value);
        return "0x" + "0".repeat(Math.max(0, width.bytes() * 2 - digits.length())) + digits;
    }
}
