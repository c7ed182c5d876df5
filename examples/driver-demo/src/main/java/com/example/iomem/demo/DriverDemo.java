package com.example.iomem.demo;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.core.IoPlatform;
import dev.iomem.core.dma.DmaBuffer;
import dev.iomem.core.dma.DmaBuffers;
import dev.iomem.core.dma.HugePagePolicy;
import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.sim.AccessKind;
import dev.iomem.testkit.sim.AccessTrace;
import dev.iomem.testkit.sim.RecordingBarriers;
import dev.iomem.testkit.sim.TraceEntry;
import jakarta.inject.Inject;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The worked example: a driver ({@link ToyNicDriver}) copies a payload inside its DMA buffer
 * with the toy DMA engine ({@link ToyDmaEngine}), which runs on the testkit's simulated device
 * memory with the chosen backend's rules, and tells what happened.
 *
 * <ol>
 *   <li>Allocate a locked DMA buffer ({@link DmaBuffers}) and build its DMA-only table
 *       ({@link DemoDmaMapping}: pagemap when allowed, else a simulated IOVA space).</li>
 *   <li>Build the backend's accessor over the engine with recording barriers:
 *       {@code backend.accessor(engine, MemoryType.DEVICE, barriers)}, exactly as
 *       {@link IoPlatform#open} does over a real BAR with the native bus and barriers.</li>
 *   <li>Probe the device, read its MAC, tell it where the ring is.</li>
 *   <li>Write the payload and the descriptors (RAM), ring the doorbell (ordered write), poll
 *       {@code STATUS} (ordered reads); check the payload arrived.</li>
 *   <li>Submit a descriptor whose destination lies outside the table; the engine's DMA is
 *       refused by the address check and it reports the address.</li>
 * </ol>
 * The same class serves the plain API ({@code new DriverDemo(Iomem.platform())}) and Guice
 * ({@code injector.getInstance(DriverDemo.class)} with {@code IomemModule}).
 */
public final class DriverDemo {

    /** What the toy engine can address: 64-bit DMA, segments of at most 64 KiB, no boundary. */
    public static final DmaConstraints CONSTRAINTS = DmaConstraints.UNRESTRICTED.withMaxSegmentSize(65536);
    /** The size of the DMA buffer: four 4 KiB pages. */
    public static final long BUFFER_SIZE = 4 * 4096;
    /** Buffer offset of the payload: it starts 100 bytes before the end of the second page. */
    public static final long SOURCE_OFFSET = 2 * 4096 - 100;
    /** Buffer offset of the destination: it starts 50 bytes before the end of the third page. */
    public static final long DESTINATION_OFFSET = 3 * 4096 - 50;
    /** Payload length: long enough to cross a page boundary on both sides. */
    public static final int PAYLOAD_LENGTH = 300;
    /** The most {@code STATUS} reads before the driver gives up. */
    public static final int MAX_POLLS = 16;

    private final IoPlatform platform;

    /**
     * Creates the demo over a platform, whichever way it was obtained.
     *
     * @param platform the platform whose backend builds the accessor
     * @throws NullPointerException if {@code platform} is {@code null}
     */
    @Inject
    public DriverDemo(IoPlatform platform) {
        this.platform = Objects.requireNonNull(platform, "platform");
    }

    /** {@return the platform this demo was given} */
    public IoPlatform platform() {
        return platform;
    }

    /**
     * Runs the demo once.
     *
     * @param wiring how the platform was obtained, for the narrative ({@code "plain"}, {@code "guice"})
     * @param mode   how to build the DMA table
     * @param out    where the narrative goes
     * @return what happened
     * @throws NullPointerException                  if an argument is {@code null}
     * @throws dev.iomem.api.dma.DmaMappingException if the buffer cannot be allocated or mapped
     *                                               (RLIMIT_MEMLOCK, or pagemap without
     *                                               CAP_SYS_ADMIN when asked for explicitly)
     */
    public DemoOutcome run(String wiring, MapperMode mode, PrintStream out) {
        Objects.requireNonNull(wiring, "wiring");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(out, "out");
        ArchBackend backend = platform.backend();
        out.println("== iomem driver demo (" + wiring + " wiring) ==");
        out.println("backend   " + backend.name() + " (" + platform.reason() + "; drives real hardware in this JVM: "
                + platform.isNative() + ")");

        try (Arena arena = Arena.ofConfined()) {
            DmaBuffer buffer = DmaBuffers.allocate(arena, BUFFER_SIZE, HugePagePolicy.NEVER);
            MemorySegment memory = buffer.memory();
            out.println("buffer    " + memory.byteSize() + " B of locked memory in " + buffer.pages() + " pages of "
                    + buffer.pageSize() + " B (DmaBuffers.allocate)");

            try (DemoDmaMapping mapping = DemoDmaMapping.create(memory, buffer.pageSize(), mode, CONSTRAINTS)) {
                DmaSegmentIndex segments = DmaSegmentIndex.of(mapping.table());
                out.println("mapper    " + mapping.mode().label() + ": " + mapping.reason());
                out.println("table     " + mapping.table().addressSpace() + ", " + segments.segmentCount() + " segment(s), "
                        + mapping.table().totalLength() + " B, " + mapping.table().direction());
                for (int i = 0; i < segments.segmentCount(); i++) {
                    out.printf("          [%d] DMA 0x%x + %d B  (buffer+0x%x)%n", i, segments.dmaAddress(i), segments.length(i),
                            segments.bufferOffset(i));
                }
                return drive(wiring, backend, mapping, segments, memory, out);
            }
        }
    }

    private DemoOutcome drive(String wiring, ArchBackend backend, DemoDmaMapping mapping, DmaSegmentIndex segments,
                              MemorySegment memory, PrintStream out) {
        HostMemoryPort host = new HostMemoryPort(memory, segments, mapping.table().direction());
        AccessTrace trace = new AccessTrace();
        ToyDmaEngine engine = new ToyDmaEngine(backend.rules(MemoryType.DEVICE), trace, host);
        try (IoAccessor bar = backend.accessor(engine, MemoryType.DEVICE, new RecordingBarriers(trace))) {
            ToyNicDriver driver = new ToyNicDriver(bar, memory, segments);

            out.println();
            out.println("-- bring-up --");
            out.printf("ID        0x%08x (read32: ordered)%n", driver.probe());
            byte[] mac = driver.readMac();
            out.println("MAC       " + HexFormat.ofDelimiter(":").formatHex(mac) + " (copyFromIo of " + mac.length
                    + " B at BAR+0x" + Long.toHexString(ToyNicRegisters.MAC) + ": the backend chose the access widths)");
            driver.start();
            out.println("ring      " + ToyNicDriver.RING_ENTRIES + " descriptors at DMA 0x"
                    + Long.toHexString(segments.runAt(ToyNicDriver.RING_OFFSET).dmaAddress())
                    + " (RING_BASE/RING_SIZE: write32Relaxed)");

            out.println();
            out.println("-- copy " + PAYLOAD_LENGTH + " B from buffer+0x" + Long.toHexString(SOURCE_OFFSET) + " to buffer+0x"
                    + Long.toHexString(DESTINATION_OFFSET) + " --");
            byte[] sent = payload();
            MemorySegment.copy(MemorySegment.ofArray(sent), 0, memory, SOURCE_OFFSET, sent.length); // RAM, plain
            List<Descriptor> descriptors = driver.submitCopy(SOURCE_OFFSET, DESTINATION_OFFSET, PAYLOAD_LENGTH);
            for (int i = 0; i < descriptors.size(); i++) {
                out.println("desc " + i + "    " + descriptors.get(i));
            }
            Completion completion = driver.waitForCompletion(MAX_POLLS);
            byte[] received = memory.asSlice(DESTINATION_OFFSET, PAYLOAD_LENGTH).toArray(ValueLayout.JAVA_BYTE);
            boolean arrived = completion.done() && Arrays.equals(sent, received);
            out.println("status    0x" + Integer.toHexString(completion.status()) + " after " + completion.polls()
                    + " ordered read(s) of STATUS; COMPLETED = " + completion.completed());
            out.println("payload   " + (arrived ? "arrived intact" : "DID NOT ARRIVE") + ": \""
                    + new String(received, 0, 40, StandardCharsets.US_ASCII) + "...\"");

            out.println();
            long bad = segments.firstAddressAboveAll() + 0x1000;
            out.println("-- a descriptor whose destination, DMA 0x" + Long.toHexString(bad) + ", is in no segment --");
            long source = segments.runAt(SOURCE_OFFSET).dmaAddress();
            driver.submit(List.of(new Descriptor(source, bad, 64, Descriptor.OWNED_BY_DEVICE)));
            Completion rejection = driver.waitForCompletion(MAX_POLLS);
            out.println("status    0x" + Integer.toHexString(rejection.status()) + (rejection.failed() ? " (ERROR)" : "")
                    + ", FAULT = 0x" + Long.toHexString(rejection.faultAddress()));
            out.println("refused   " + (engine.lastFault() == null ? "(no fault)" : engine.lastFault().getMessage()));

            List<TraceEntry> entries = trace.entries();
            out.println();
            out.println("-- bus trace: every BAR access and barrier, in order --");
            for (int i = 0; i < entries.size(); i++) {
                out.println(describe(i, entries));
            }
            out.println();
            out.println("-- the device's DMA, translated through the table's segments only --");
            for (DmaAccess a : host.log()) {
                out.println("  " + a.describe());
            }

            DemoOutcome outcome = new DemoOutcome(wiring, backend.name(), mapping.mode(), mapping.reason(),
                    mapping.table().addressSpace(), segments, mac, descriptors, completion, sent, received, bad, rejection,
                    entries, host.log());
            out.println();
            out.println("payload arrived: " + outcome.payloadArrived() + "; barrier before the doorbell store: "
                    + outcome.doorbellOrdered() + "; address outside the table refused: " + outcome.badAddressRejected());
            out.println(outcome.ok() ? "RESULT: OK" : "RESULT: FAILED");
            return outcome;
        }
    }

    /** {@return the bytes the driver sends: readable text, different at every offset} */
    static byte[] payload() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < PAYLOAD_LENGTH; i++) {
            sb.append("iomem DMA payload #").append(i).append(". ");
        }
        return sb.substring(0, PAYLOAD_LENGTH).getBytes(StandardCharsets.US_ASCII);
    }

    private static String describe(int i, List<TraceEntry> entries) {
        TraceEntry e = entries.get(i);
        String line = String.format("  #%-3d %-34s", i, e.describe());
        if (!e.isTransaction()) {
            return line.stripTrailing();
        }
        String what = ToyNicRegisters.nameAt(e.offset());
        if (e.kind() == AccessKind.STORE && e.offset() == ToyNicRegisters.DOORBELL) {
            what += "   <- ordered write32: the barrier just before it orders the descriptor stores";
        } else if (e.kind() == AccessKind.LOAD && i + 1 < entries.size()
                && entries.get(i + 1).kind() == AccessKind.BARRIER_AFTER_READ) {
            what += "   (ordered read)";
        } else if (e.kind() == AccessKind.LOAD) {
            what += "   (part of copyFromIo: no barrier inside a copy)";
        } else if (e.kind() == AccessKind.STORE && (i == 0 || entries.get(i - 1).kind() != AccessKind.BARRIER_BEFORE_WRITE)) {
            what += "   (relaxed write)";
        }
        return line + " " + what;
    }
}
