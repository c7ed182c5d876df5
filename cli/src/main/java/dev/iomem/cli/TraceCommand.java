package dev.iomem.cli;

import dev.iomem.api.AccessRules;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.core.BackendChoice;
import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.sim.SimulatedBus;
import dev.iomem.testkit.sim.SimulatedDevice;
import dev.iomem.testkit.sim.SimulatedFault;
import dev.iomem.testkit.sim.TraceEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code iomem trace}: runs one operation of a backend's accessor on simulated device memory and
 * prints the exact bus transactions and barrier calls it issued, in order, so that anyone can
 * see what a copy does on an architecture they do not have.
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = {"Run one operation of a backend on simulated device memory and print every bus transaction and "
                + "barrier it issued, in order.",
            "Operations: copy-to-io, copy-from-io, fill (need --length), read, write, read-relaxed, write-relaxed "
                + "(one access of --width bytes)."})
final class TraceCommand extends IomemSubcommand {

    private static final List<String> OPS = List.of("copy-to-io", "copy-from-io", "fill", "read", "write", "read-relaxed", "write-relaxed");
    private static final long PAGE = 4096;

    @Option(names = "--op", required = true, paramLabel = "OP", description = "copy-to-io, copy-from-io, fill, read, write, read-relaxed or write-relaxed.")
    String op;

    @Option(names = "--offset", required = true, paramLabel = "N", description = "Device offset (decimal or 0x hex).")
    String offsetText;

    @Option(names = "--length", paramLabel = "N", description = "Bytes to copy or fill; for read/write, if given, it must equal --width.")
    String lengthText;

    @Option(names = "--width", paramLabel = "BYTES", description = "Width of a read or write: 1, 2, 4 or 8 bytes (default 4).")
    Integer widthBytes;

    @Option(names = "--value", paramLabel = "N", description = "The value a write stores or the byte a fill stores (default: a pattern).")
    String valueText;

    @Option(names = "--memory-type", paramLabel = "TYPE", description = "device or wc (write-combining); default ${DEFAULT-VALUE}.", defaultValue = "device")
    String memoryTypeText;

    @Override
    protected int run() {
        GlobalOptions g = global();
        if (!OPS.contains(op)) {
            throw new BadArgumentException("--op " + op + " is not one of " + String.join(", ", OPS));
        }
        MemoryType type = switch (memoryTypeText.toLowerCase(Locale.ROOT)) {
            case "device" -> MemoryType.DEVICE;
            case "wc" -> MemoryType.WRITE_COMBINING;
            default -> throw new BadArgumentException("--memory-type " + memoryTypeText + " is not device or wc");
        };
        Optional<BackendChoice> choice = g.choice();
        if (choice.isEmpty()) {
            throw new BadArgumentException("iomem trace needs --backend NAME (the backend whose accesses to show)");
        }
        long offset = BarTarget.number("--offset", offsetText);
        boolean scalar = op.startsWith("read") || op.startsWith("write");
        Width width;
        long length;
        if (scalar) {
            width = widthOf(widthBytes == null ? 4 : widthBytes);
            length = width.bytes();
            if (lengthText != null && BarTarget.number("--length", lengthText) != length) {
                throw new BadArgumentException("--length " + lengthText + " does not match --width " + length + " of a " + op);
            }
        } else {
            if (widthBytes != null) {
                throw new BadArgumentException("--width applies to read and write only: a " + op + " uses the widths its rules plan");
            }
            if (lengthText == null) {
                throw new BadArgumentException("--op " + op + " needs --length N");
            }
            width = null;
            length = BarTarget.number("--length", lengthText);
        }
        if (offset < 0 || length < 0 || offset > SimulatedBus.MAX_SIZE - PAGE || length > SimulatedBus.MAX_SIZE - PAGE - offset) {
            throw new BadArgumentException("--offset + --length must stay below " + (SimulatedBus.MAX_SIZE - PAGE) + " bytes of simulated memory");
        }
        ArchBackend backend = g.discovery().select(choice).backend();
        AccessRules rules = backend.rules(type);
        // A whole number of pages past the range, so a stray access beyond it stays visible.
        long size = ((offset + length) / PAGE + 2) * PAGE;
        SimulatedDevice device = SimulatedDevice.create(rules, size);
        byte[] pattern = new byte[(int) size];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i * 7 + 1);
        }
        device.bus().poke(0, pattern);
        long value = valueText == null ? -1 : BarTarget.number("--value", valueText);
        IoAccessor io = backend.accessor(device.bus(), type, device.barriers());
        try {
            perform(io, offset, length, width, value);
        } catch (SimulatedFault f) {
            throw new IllegalStateException(backend.name() + " issued an access the hardware would fault on: " + f.getMessage(), f);
        }
        List<TraceEntry> trace = device.trace().entries();
        print(backend, type, rules, offset, length, trace);
        return 0;
    }

    private void perform(IoAccessor io, long offset, long length, Width width, long value) {
        switch (op) {
            case "copy-to-io" -> {
                byte[] src = new byte[(int) length];
                for (int i = 0; i < src.length; i++) {
                    src[i] = (byte) (0xA0 + i);
                }
                io.copyToIo(MemorySegment.ofArray(src), offset);
            }
            case "copy-from-io" -> io.copyFromIo(offset, MemorySegment.ofArray(new byte[(int) length]));
            case "fill" -> io.fillIo(offset, length, valueText == null ? (byte) 0xA5 : (byte) value);
            case "read" -> io.read(offset, width);
            case "write" -> io.write(offset, width, valueText == null ? 0x8877_6655_4433_2211L : value);
            case "read-relaxed" -> readRelaxed(io, offset, width);
            case "write-relaxed" -> writeRelaxed(io, offset, width, valueText == null ? 0x8877_6655_4433_2211L : value);
            default -> throw new IllegalStateException(op);
        }
    }

    private static void readRelaxed(IoAccessor io, long offset, Width width) {
        switch (width) {
            case BYTE -> io.read8Relaxed(offset);
            case SHORT -> io.read16Relaxed(offset);
            case INT -> io.read32Relaxed(offset);
            case LONG -> io.read64Relaxed(offset);
        }
    }

    private static void writeRelaxed(IoAccessor io, long offset, Width width, long value) {
        switch (width) {
            case BYTE -> io.write8Relaxed(offset, (byte) value);
            case SHORT -> io.write16Relaxed(offset, (short) value);
            case INT -> io.write32Relaxed(offset, (int) value);
            case LONG -> io.write64Relaxed(offset, value);
        }
    }

    private static Width widthOf(int bytes) {
        return switch (bytes) {
            case 1 -> Width.BYTE;
            case 2 -> Width.SHORT;
            case 4 -> Width.INT;
            case 8 -> Width.LONG;
            default -> throw new BadArgumentException("--width " + bytes + " is not 1, 2, 4 or 8 (bytes)");
        };
    }

    private void print(ArchBackend backend, MemoryType type, AccessRules rules, long offset, long length, List<TraceEntry> trace) {
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("backend", backend.name());
            out.put("op", op);
            List<Map<String, Object>> accesses = new ArrayList<>();
            for (TraceEntry e : trace) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("kind", e.kind().label());
                if (e.isTransaction()) {
                    a.put("offset", e.offset());
                    a.put("size", e.size());
                }
                accesses.add(a);
            }
            out.put("accesses", accesses);
            w.println(JsonText.of(out));
        } else {
            w.printf("%s %s at offset 0x%x (%d), %d byte%s, %s memory%n", backend.name(), op, offset, offset, length,
                    length == 1 ? "" : "s", type);
            w.println("rules: " + RulesDescription.line(rules));
            long transactions = trace.stream().filter(TraceEntry::isTransaction).count();
            for (int i = 0; i < trace.size(); i++) {
                TraceEntry e = trace.get(i);
                if (e.isTransaction()) {
                    w.printf("  #%-4d %-12s %4d B at 0x%x%s%n", i, e.kind().label(), e.size(), e.offset(),
                            e.kind() == dev.iomem.testkit.sim.AccessKind.STORE_BLOCK ? "" : "  value 0x" + Long.toHexString(e.value()));
                } else {
                    w.printf("  #%-4d %s%n", i, e.kind().label());
                }
            }
            w.printf("%d transaction%s, %d barrier call%s%n", transactions, transactions == 1 ? "" : "s",
                    trace.size() - transactions, trace.size() - transactions == 1 ? "" : "s");
        }
        w.flush();
    }
}
