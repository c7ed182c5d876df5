package com.example.iomem.nvme;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaMapper;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.Iomem;
import dev.iomem.core.dma.PagemapDmaMapper;
import dev.iomem.core.pci.SysfsBarMapper;
import dev.iomem.core.pci.SysfsPciTopology;
import dev.iomem.core.regs.Register;
import dev.iomem.core.vfio.IrqType;
import dev.iomem.core.vfio.VfioDevice;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The example: brings an NVMe controller up, prints Identify Controller and Namespace, creates an
 * I/O queue pair, writes N blocks of a known pattern with PRP lists, reads them back, compares,
 * shuts the controller down and releases everything.
 *
 * <pre>
 * java -cp ... com.example.iomem.nvme.NvmeExample (--vfio ADDR | --pagemap ADDR) [--blocks N] [--lba L]
 *      [--seed S] [--nsid ID] [--msix] [--cmb-sq] [--depth D] [--timeout-ms MS]
 * </pre>
 * Exit status: 0 when the blocks read back equal, 1 on a bad state (one line "nvme: FAILED: KIND: why"), 2 on a usage error.
 */
public final class NvmeExample {

    private NvmeExample() {
    }

    /** The options of one run. */
    record Options(String mode, PciAddress device, long lba, int blocks, int seed, int nsid, boolean msix, boolean cmbSq,
                   int depth, Duration timeout) {
    }

    /**
     * Runs the example once, or several times in one JVM when the arguments hold {@code --then}
     * (each run opens, drives and releases the controller on its own). With several runs, each is
     * framed by {@code nvme-run: LABEL begin} and {@code nvme-run: LABEL exit N} ({@code --label},
     * else its number), and the exit status is 0 only if every run's status is the one it expects ({@code --expect-exit N}, default 0).
     */
    public static void main(String[] args) {
        System.exit(runAll(args, System.out));
    }

    public static int runAll(String[] args, PrintStream out) {
        List<List<String>> runs = new ArrayList<>();
        runs.add(new ArrayList<>());
        for (String a : args) {
            if (a.equals("--then")) {
                runs.add(new ArrayList<>());
            } else {
                runs.getLast().add(a);
            }
        }
        if (runs.size() == 1) {
            return run(args, out);
        }
        int status = 0;
        for (int i = 0; i < runs.size(); i++) {
            List<String> r = new ArrayList<>(runs.get(i));
            String label = "" + (i + 1);
            int expect = 0;
            int at = r.indexOf("--label");
            if (at >= 0 && at + 1 < r.size()) {
                label = r.get(at + 1);
                r.subList(at, at + 2).clear();
            }
            at = r.indexOf("--expect-exit");
            if (at >= 0 && at + 1 < r.size()) {
                expect = Integer.parseInt(r.get(at + 1));
                r.subList(at, at + 2).clear();
            }
            out.println("nvme-run: " + label + " begin");
            int exit = run(r.toArray(String[]::new), out);
            out.println("nvme-run: " + label + " exit " + exit);
            if (exit != expect && status == 0) {
                status = exit == 0 ? 1 : exit;
            }
        }
        return status;
    }

    static int run(String[] args, PrintStream out) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            out.println("nvme: usage: " + e.getMessage());
            out.println("usage: NvmeExample (--vfio ADDR | --pagemap ADDR) [--blocks N] [--lba L] [--seed S] [--nsid ID] [--msix] [--cmb-sq] [--depth D] [--timeout-ms MS]");
            return 2;
        }
        try {
            if (o.mode().equals("vfio")) {
                runVfio(o, out);
            } else {
                runPagemap(o, out);
            }
            out.println("RESULT: OK");
            return 0;
        } catch (NvmeException e) {
            out.println("nvme: FAILED: " + e.kind() + ": " + e.getMessage());
            for (Throwable s : e.getSuppressed()) {
                out.println("nvme:   also: " + s);
            }
            return 1;
        } catch (RuntimeException | IOException e) {
            out.println("nvme: FAILED: " + e);
            e.printStackTrace(out);
            return 1;
        }
    }

    static Options parse(String[] args) {
        String mode = null;
        PciAddress dev = null;
        long lba = 2048;
        int blocks = 256, seed = 90, nsid = 1, depth = 64;
        boolean msix = false, cmb = false;
        Duration timeout = Duration.ofSeconds(30);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--vfio", "--pagemap" -> {
                    mode = a.substring(2);
                    dev = PciAddress.parse(value(args, ++i, a));
                }
                case "--lba" -> lba = Long.parseLong(value(args, ++i, a));
                case "--blocks" -> blocks = Integer.parseInt(value(args, ++i, a));
                case "--seed" -> seed = Integer.parseInt(value(args, ++i, a));
                case "--nsid" -> nsid = Integer.parseInt(value(args, ++i, a));
                case "--depth" -> depth = Integer.parseInt(value(args, ++i, a));
                case "--timeout-ms" -> timeout = Duration.ofMillis(Long.parseLong(value(args, ++i, a)));
                case "--msix" -> msix = true;
                case "--cmb-sq" -> cmb = true;
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (mode == null) {
            throw new IllegalArgumentException("--vfio ADDR or --pagemap ADDR is required");
        }
        if ((msix || cmb) && !mode.equals("vfio")) {
            throw new IllegalArgumentException("--msix and --cmb-sq need --vfio");
        }
        if (blocks < 1 || lba < 0) {
            throw new IllegalArgumentException("--blocks must be at least 1 and --lba not negative");
        }
        return new Options(mode, dev, lba, blocks, seed, nsid, msix, cmb, depth, timeout);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static void runVfio(Options o, PrintStream out) {
        try (VfioDevice dev = VfioDevice.open(o.device()); Arena arena = Arena.ofShared()) {
            dev.config().enableMemoryAndBusMaster();
            out.println("nvme: " + o.device() + " through VFIO: " + dev.iommuPath().label() + ", IOMMU group " + dev.iommuGroup()
                    + ", " + dev.iommu().describe() + "; BAR0 " + (dev.barIsMapped(0) ? "mapped" : "by pread/pwrite")
                    + "; DMA tables hold IOVAs");
            IoAccessor bar0 = dev.bar(0);
            MappedDma dma = new MappedDma(dev.dmaMapper(), dev.address(), arena, "IOVA (VFIO type1, " + dev.iommu().describe() + ")");
            Completion completion = o.msix() ? new MsixCompletion(dev.enableInterrupts(IrqType.MSIX, 2)) : Completion.POLLING;
            try {
                drive(o, out, bar0, dma, completion, o.cmbSq() ? dev : null, dev.dmaMapper());
            } finally {
                completion.close();
                int tables = dma.mappedTables();
                dma.close();
                out.println("nvme: released: " + tables + " DMA tables unmapped (" + dma.openTables() + " left), "
                        + (o.msix() ? "MSI-X off, " : "") + "VFIO device closed");
            }
        }
    }

    private static void runPagemap(Options o, PrintStream out) throws IOException {
        PagemapDmaMapper mapper = PagemapDmaMapper.create();
        mapper.checkPrivilege();
        enableBusMaster(o.device());
        try (Arena arena = Arena.ofShared();
             IoAccessor bar0 = Iomem.platform().open(new SysfsBarMapper(SysfsPciTopology.system())
                     .mapWhole(o.device(), 0, MemoryType.DEVICE, false, arena))) {
            out.println("nvme: " + o.device() + " through sysfs resource0 and pagemap (no IOMMU): DMA tables hold physical addresses");
            MappedDma dma = new MappedDma(mapper, o.device(), arena, "physical (pagemap, no IOMMU)");
            try {
                drive(o, out, bar0, dma, Completion.POLLING, null, mapper);
            } finally {
                int tables = dma.mappedTables();
                dma.close();
                out.println("nvme: released: " + tables + " DMA tables unmapped and unlocked (" + dma.openTables() + " left), BAR unmapped");
            }
        }
    }

    /** Sets memory space and bus master in the command register through sysfs config (PCI 3.0, 6.2.2). */
    private static void enableBusMaster(PciAddress a) throws IOException {
        Path config = Path.of("/sys/bus/pci/devices", a.toString(), "config");
        try (FileChannel ch = FileChannel.open(config, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, 4);
            short cmd = (short) (b.getShort(0) | 0b110);
            b.clear();
            b.putShort(0, cmd);
            ch.write(b, 4);
        }
    }

    static void drive(Options o, PrintStream out, IoAccessor bar0, DmaSource dma, Completion completion, VfioDevice cmbDevice,
                      DmaMapper mapper) {
        DmaOnlySgTable cmbTable = null;
        try (NvmeController c = NvmeController.start(bar0, dma, completion, o.timeout(), s -> out.println("nvme: " + s))) {
            out.println("nvme: controller ready " + c.readyMillis() + " ms after CC.EN; admin queues in " + dma.describe()
                    + "; completion by " + completion.describe());
            IdentifyController id = c.identifyController();
            out.printf(Locale.ROOT, "nvme: identify controller: model \"%s\", serial \"%s\", firmware \"%s\", vendor 0x%04x, MDTS %s, %d namespaces%n",
                    id.model(), id.serial(), id.firmware(), id.vendorId(), id.mdts() == 0 ? "none" : (1 << id.mdts()) * 4 + " KiB", id.namespaces());
            IdentifyNamespace ns = c.identifyNamespace(o.nsid());
            out.printf(Locale.ROOT, "nvme: identify namespace %d: size %d blocks (%d bytes), capacity %d, in use %d; LBA format %d of %d: %d-byte blocks, %d bytes metadata, relative performance %d%n",
                    ns.nsid(), ns.size(), ns.size() * ns.blockSize(), ns.capacity(), ns.utilization(), ns.format(), ns.formats(),
                    ns.blockSize(), ns.metadataSize(), ns.relativePerformance());
            out.printf(Locale.ROOT, "nvme-report: serial=%s model=%s firmware=%s nsze=%d block=%d lba=%d blocks=%d seed=%d%n",
                    id.serial().replace(' ', '_'), id.model().replace(' ', '_'), id.firmware().replace(' ', '_'),
                    ns.size(), ns.blockSize(), o.lba(), o.blocks(), o.seed());
            if (ns.size() == 0) {
                throw new NvmeException(NvmeException.Kind.NAMESPACE_TOO_SMALL, "namespace " + ns.nsid()
                        + " is not active: Identify Namespace returned NSZE 0");
            }
            if (ns.size() < o.lba() + o.blocks()) {
                throw new NvmeException(NvmeException.Kind.NAMESPACE_TOO_SMALL, String.format(Locale.ROOT,
                        "namespace %d has %d blocks; the test asked for %d blocks at LBA %d (up to block %d)",
                        ns.nsid(), ns.size(), o.blocks(), o.lba(), o.lba() + o.blocks() - 1));
            }
            CmbQueue cmbSq = null;
            if (cmbDevice != null) {
                cmbTable = mapCmb(c, cmbDevice, mapper, o.depth(), out);
                cmbSq = new CmbQueue(cmbDevice.bar(2), 0, cmbTable.dmaAddress(0), cmbTable.addressSpace().toString(),
                        "mapPciBar routed BAR 2 to its own function");
            }
            NvmeController.Queue q = c.createIoQueuePair(1, o.depth(), cmbSq);
            out.println("nvme: I/O queue pair 1, depth " + q.depth() + ": SQ "
                    + (cmbSq == null ? "in host memory at 0x" + Long.toHexString(q.sqAddress())
                       : "in the CMB at 0x" + Long.toHexString(cmbSq.controllerAddress()) + " (" + cmbSq.addressSpace() + ")")
                    + ", CQ at 0x" + Long.toHexString(q.cqAddress()) + " (" + dma.describe() + "), "
                    + (completion.interrupts() ? "MSI-X vector " + q.vector() : "no interrupt (IEN 0)"));
            blockTest(c, q, ns, id, o, dma, out);
            if (completion instanceof MsixCompletion m) {
                out.println("nvme: MSI-X: " + q.completionsByInterrupt() + " I/O completions waited for on vector " + q.vector()
                        + ", which fired " + m.fired() + " times (eventfd wake-ups before the phase tag was read)");
            }
            long ms = c.shutdown();
            out.println("nvme: shutdown: I/O queues deleted, CC.SHN normal, CSTS.SHST complete in " + ms + " ms, CC.EN 0");
        } finally {
            if (cmbTable != null) {
                cmbTable.close();
            }
        }
    }

    private static DmaOnlySgTable mapCmb(NvmeController c, VfioDevice dev, DmaMapper mapper, int depth, PrintStream out) {
        Register cmbmsc = c.registers().register("CMBMSC");
        cmbmsc.write(1);                                   // CRE: CMBLOC and CMBSZ become readable
        long loc = c.registers().register("CMBLOC").read();
        long sz = c.registers().register("CMBSZ").read();
        out.printf(Locale.ROOT, "nvme: CMB: CMBLOC 0x%x (BIR %d, offset %d), CMBSZ 0x%x (SQS %d)%n", loc, loc & 7, loc >>> 12, sz, sz & 1);
        if ((sz & 1) == 0) {
            throw new NvmeException(NvmeException.Kind.UNSUPPORTED, "the CMB does not support submission queues (CMBSZ.SQS 0)");
        }
        DmaOnlySgTable t;
        try {
            t = mapper.mapPciBar(dev.address(), (int) (loc & 7), 0, (long) depth * NvmeController.SQE,
                    dev.address(), DmaConstraints.UNRESTRICTED);
        } catch (RuntimeException e) {
            // s390x: zPCI gives the guest no bus address for a BAR (the BAR registers read 0), so
            // there is no address the controller could be told for its own CMB.
            throw new NvmeException(NvmeException.Kind.UNSUPPORTED, "no SQ in the CMB: mapPciBar(" + dev.address() + " BAR "
                    + (loc & 7) + " -> itself) refused: " + e.getMessage());
        }
        long cba = t.dmaAddress(0);
        cmbmsc.write(cba | 0b11);                          // CRE, CMSE, CBA: where the controller decodes its CMB
        out.println("nvme: CMB: mapPciBar(" + dev.address() + " BAR " + (loc & 7) + " -> " + dev.address() + ") gave a "
                + t.addressSpace() + " table at 0x" + Long.toHexString(cba)
                + ": the controller reaches its own CMB inside the function, by the BAR's bus address, never through the IOMMU");
        return t;
    }

    private static void blockTest(NvmeController c, NvmeController.Queue q, IdentifyNamespace ns, IdentifyController id,
                                  Options o, DmaSource dma, PrintStream out) {
        int bs = ns.blockSize();
        long bytes = (long) o.blocks() * bs;
        DmaRegion src = dma.allocate(bytes);
        DmaRegion dst = dma.allocate(bytes);
        MemorySegment s = src.memory();
        for (int b = 0; b < o.blocks(); b++) {
            long lba = o.lba() + b;
            for (int j = 0; j < bs; j++) {
                s.set(ValueLayout.JAVA_BYTE, (long) b * bs + j, BlockPattern.at(o.seed(), lba, j));
            }
        }
        long max = c.maxTransfer(id);
        int perCommand = (int) Math.max(1, max / bs);
        int commands = (o.blocks() + perCommand - 1) / perCommand;
        long w0 = System.nanoTime();
        transfer(c, q, true, o, bs, perCommand, src);
        long w = System.nanoTime() - w0;
        long r0 = System.nanoTime();
        transfer(c, q, false, o, bs, perCommand, dst);
        long r = System.nanoTime() - r0;
        long mismatch = s.mismatch(dst.memory().asSlice(0, s.byteSize()));
        int pagesPerCommand = (int) ((Math.min(bytes, (long) perCommand * bs) + NvmeController.PAGE - 1) / NvmeController.PAGE);
        out.printf(Locale.ROOT, "nvme: block test: %d blocks of %d bytes at LBA %d (%d KiB) in %d command(s) each way, up to %d pages a command (%s)%n",
                o.blocks(), bs, o.lba(), bytes / 1024, commands, pagesPerCommand,
                pagesPerCommand > 2 ? "PRP1 + a PRP list" : pagesPerCommand == 2 ? "PRP1 + PRP2" : "PRP1");
        out.printf(Locale.ROOT, "nvme: write %.2f MiB/s, read %.2f MiB/s (%.1f ms, %.1f ms)%n",
                mib(bytes, w), mib(bytes, r), w / 1e6, r / 1e6);
        out.println("nvme: throughput here is QEMU's emulated controller under software emulation (TCG): it says nothing about real silicon");
        if (mismatch != -1) {
            throw new NvmeException(NvmeException.Kind.COMMAND_STATUS, "read-back differs from what was written at byte " + mismatch
                    + " (block " + (o.lba() + mismatch / bs) + ")");
        }
        out.println("nvme: read-back equal: " + bytes + " bytes");
    }

    private static void transfer(NvmeController c, NvmeController.Queue q, boolean write, Options o, int bs, int perCommand, DmaRegion buf) {
        for (int done = 0; done < o.blocks(); done += perCommand) {
            int n = Math.min(perCommand, o.blocks() - done);
            c.io(q, write, o.nsid(), o.lba() + done, n, bs, buf, (long) done * bs);
        }
    }

    private static double mib(long bytes, long nanos) {
        return bytes / (1024.0 * 1024.0) / (nanos / 1e9);
    }
}
