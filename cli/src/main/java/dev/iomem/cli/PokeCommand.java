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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code iomem poke}: writes one value to a BAR register through the selected backend's accessor,
 * as the C tool {@code pcimem} does. It performs exactly one ordered write of the given width
 * and nothing else: no read-back, since reading a device register can have side effects. With
 * {@code --vfio} the function is opened with {@link VfioDevice} and the BAR is
 * {@link VfioDevice#bar(int)}.
 */
@Command(name = "poke", mixinStandardHelpOptions = true,
        description = {"Write VALUE as one ordered write of WIDTH bits to BAR BAR of function ADDR at OFFSET through the "
                + "selected backend. Only that one write is made (no read-back).",
            "With --vfio, the function (bound to vfio-pci: iomem vfio bind ADDR) is opened through VFIO instead and the "
                + "value is written through its BAR region: mapped where the kernel allows it, else one pwrite. "
                + "Without --vfio a function bound to vfio-pci is still written through sysfs.",
            "With --file PATH, any mappable file stands in for the BAR: iomem poke --file PATH OFFSET VALUE."},
        parameterListHeading = "%nParameters: ADDR BAR OFFSET VALUE, or with --file: OFFSET VALUE (or ADDR BAR OFFSET VALUE)%n",
        optionListHeading = "%nOptions (--iommu-path, --dev-vfio and --dev-iommu only with --vfio):%n")
final class PokeCommand extends IomemSubcommand {

    @Mixin
    SysfsOptions sysfs;

    @Parameters(paramLabel = "ARG", arity = "2..4", description = "ADDR (dddd:bb:dd.f), BAR (0-5), OFFSET and VALUE (decimal or 0x hex).")
    List<String> args;

    @Option(names = "--width", paramLabel = "BITS", description = "Access width: 8, 16, 32 or 64 (default ${DEFAULT-VALUE}).", defaultValue = "32")
    int widthBits;

    @Option(names = "--file", paramLabel = "PATH", description = "Map PATH instead of a BAR.")
    Path file;

    @Option(names = "--wc", description = "Map the BAR write-combining (resourceN_wc; prefetchable BARs only); the write is flushed.")
    boolean writeCombining;

    @Option(names = "--vfio", description = "Open the function through VFIO (it must be bound to vfio-pci) and write through its BAR region.")
    boolean vfio;

    @Mixin
    VfioOpenOptions vfioOpen;

    @Override
    protected int run() {
        CommandLine cl = spec.commandLine();
        GlobalOptions g = global();
        BarTarget target = BarTarget.parse(args.subList(0, args.size() - 1), file);
        Width width = BarTarget.width(widthBits);
        String valueText = args.getLast();
        long value = BarTarget.number("VALUE", valueText);
        if (width != Width.LONG && (value >>> width.bits()) != 0) {
            throw new BadArgumentException("VALUE " + valueText + " does not fit " + widthBits + " bits");
        }
        target.checkVfio(vfio, vfioOpen, writeCombining);
        IoPlatform platform = g.platform();
        MemoryType type = writeCombining ? MemoryType.WRITE_COMBINING : MemoryType.DEVICE;
        String description;
        String iommuPath = null;
        if (vfio) {
            try (VfioDevice device = target.openVfio(sysfs, vfioOpen, platform)) {
                IoAccessor io = device.bar(target.bar());
                description = VfioOpenOptions.describe(device, target.bar());
                iommuPath = device.iommuPath().label();
                target.checkFits(io.size(), description, width, 1);
                write(io, width, target.offset(), value);
            }
        } else {
            try (Arena arena = Arena.ofConfined()) {
                MappedRegion region = target.map(sysfs, type, false, arena);
                description = region.description();
                target.checkFits(region, width, 1);
                try (IoAccessor io = platform.open(region)) {
                    write(io, width, target.offset(), value);
                    if (type == MemoryType.WRITE_COMBINING) {
                        io.flushWrites();
                    }
                }
            }
        }
        PrintWriter w = cl.getOut();
        String shown = PeekCommand.hex(value, width);
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("target", description);
            out.put("memoryType", type);
            out.put("backend", platform.candidate().name());
            out.put("width", widthBits);
            if (iommuPath != null) {
                out.put("iommuPath", iommuPath);
            }
            out.put("offset", "0x" + Long.toHexString(target.offset()));
            out.put("value", shown);
            w.println(JsonText.of(out));
        } else {
            w.printf("wrote %s (%d bits) at 0x%x of %s%n", shown, widthBits, target.offset(), description);
        }
        w.flush();
        return 0;
    }

    static void write(IoAccessor io, Width width, long offset, long value) {
        switch (width) {
            case BYTE -> io.write8(offset, (byte) value);
            case SHORT -> io.write16(offset, (short) value);
            case INT -> io.write32(offset, (int) value);
            case LONG -> io.write64(offset, value);
        }
    }
}
