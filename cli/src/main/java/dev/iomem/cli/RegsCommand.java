package dev.iomem.cli;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.api.regs.InvalidLayoutException;
import dev.iomem.api.regs.RegisterLayout;
import dev.iomem.core.IoPlatform;
import dev.iomem.core.regs.RegisterBlock;
import dev.iomem.core.regs.RegisterValue;
import dev.iomem.core.regs.layouts.EduLayout;
import dev.iomem.core.regs.layouts.LayoutFile;
import dev.iomem.core.regs.layouts.NvmeLayout;
import dev.iomem.spi.MappedRegion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code iomem regs}: a register dump of a BAR through a register layout. The BAR is mapped
 * read-only and only registers readable without side effects are read (never a write-only or a
 * read-to-clear register), once each, with ordered reads.
 */
@Command(name = "regs", mixinStandardHelpOptions = true,
        description = {"Dump the registers of BAR BAR of function ADDR through a register layout: edu (QEMU's edu), "
                + "nvme (NVMe controller registers, doorbells at CAP.DSTRD's stride) or a layout FILE. "
                + "Only registers readable without side effects are read; write-only and read-to-clear registers are listed, not read.",
            "With --file PATH, any mappable file stands in for the BAR: iomem regs --file PATH --layout NAME."},
        parameterListHeading = "%nParameters: ADDR BAR, or with --file: nothing (or ADDR BAR as labels)%n")
final class RegsCommand extends IomemSubcommand {

    @Mixin
    SysfsOptions sysfs;

    @Parameters(paramLabel = "ARG", arity = "0..2", description = "ADDR (dddd:bb:dd.f) and BAR (0-5).")
    List<String> args = new ArrayList<>();

    @Option(names = "--layout", paramLabel = "NAME|FILE", required = true,
            description = "edu, nvme, or a layout file (lines: register NAME OFFSET BITS KIND; array NAME OFFSET BITS KIND COUNT STRIDE; field NAME LSB WIDTH [VALUE=LABEL ...]).")
    String layoutName;

    @Option(names = "--file", paramLabel = "PATH", description = "Map PATH instead of a BAR.")
    Path file;

    @Override
    protected int run() {
        BarTarget target = target();
        RegisterLayout fixed = switch (layoutName) {
            case "edu" -> EduLayout.LAYOUT;
            case "nvme" -> null;
            default -> fromFile(layoutName);
        };
        IoPlatform platform = global().platform();
        String description;
        String name;
        long size;
        List<RegisterValue> values;
        try (Arena arena = Arena.ofConfined()) {
            MappedRegion region = target.map(sysfs, MemoryType.DEVICE, true, arena);
            description = region.description();
            try (IoAccessor io = platform.open(region)) {
                RegisterLayout layout = fixed != null ? fixed : nvme(io);
                RegisterBlock block = RegisterBlock.bind(layout, io);
                name = layout.name();
                size = io.size();
                values = block.dump();
            }
        }
        PrintWriter w = out();
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("target", description);
            out.put("backend", platform.candidate().name());
            out.put("layout", name);
            out.put("size", size);
            out.put("registers", values.stream().map(RegsCommand::json).toList());
            w.println(JsonText.of(out));
        } else {
            w.print(RegisterBlock.format(name, size, values));
        }
        w.flush();
        return 0;
    }

    /** NVMe's doorbell stride is the controller's: read CAP.DSTRD, then declare the admin doorbells if they fit. */
    private static RegisterLayout nvme(IoAccessor io) {
        RegisterBlock controller = RegisterBlock.bind(NvmeLayout.CONTROLLER, io);
        int dstrd = (int) controller.register("CAP").field("DSTRD").get();
        RegisterLayout withDoorbells = NvmeLayout.forStride(dstrd, 1);
        return withDoorbells.extent() <= io.size() ? withDoorbells : NvmeLayout.CONTROLLER;
    }

    private static RegisterLayout fromFile(String path) {
        Path p = Path.of(path);
        if (!Files.isRegularFile(p)) {
            throw new BadArgumentException("--layout " + path + " is not edu, nvme or a layout file");
        }
        try {
            return LayoutFile.read(p);
        } catch (InvalidLayoutException e) {
            throw new BadArgumentException(e.getMessage());
        }
    }

    private BarTarget target() {
        if (file == null && args.size() != 2) {
            throw new BadArgumentException("expected ADDR BAR (or --file PATH), got " + args.size() + " argument(s)");
        }
        if (args.size() == 1) {
            throw new BadArgumentException("expected ADDR BAR, got 1 argument");
        }
        if (args.isEmpty()) {
            return new BarTarget(null, -1, 0, file);
        }
        PciAddress address;
        try {
            address = PciAddress.parse(args.get(0));
        } catch (IllegalArgumentException e) {
            throw new BadArgumentException(e.getMessage());
        }
        long bar = BarTarget.number("BAR", args.get(1));
        if (bar > 5) {
            throw new BadArgumentException("BAR index " + args.get(1) + " is not 0 to 5");
        }
        return new BarTarget(address, (int) bar, 0, file);
    }

    private static Map<String, Object> json(RegisterValue v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", v.name());
        m.put("offset", "0x" + Long.toHexString(v.offset()));
        m.put("bits", v.bits());
        m.put("access", v.access());
        m.put("read", v.read());
        if (v.read()) {
            m.put("value", "0x" + Long.toHexString(v.value()));
            Map<String, Object> fields = new LinkedHashMap<>();
            for (RegisterValue.FieldValue f : v.fields()) {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("value", f.value());
                fm.put("lsb", f.lsb());
                fm.put("width", f.width());
                if (f.valueName() != null) {
                    fm.put("name", f.valueName());
                }
                fields.put(f.name(), fm);
            }
            m.put("fields", fields);
        }
        return m;
    }
}
