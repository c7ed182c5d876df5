package com.example.iomem.demo;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.multibindings.OptionalBinder;
import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.arch.x86.X86Backend;
import dev.iomem.core.Iomem;
import dev.iomem.core.IoPlatform;
import dev.iomem.core.dma.PagemapDmaMapper;
import dev.iomem.core.guice.IomemModule;
import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.sim.AccessKind;
import dev.iomem.testkit.sim.TraceEntry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

@DisplayName("The driver demo")
class DriverDemoTest {

    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);

    private DemoOutcome runPlain(MapperMode mode) {
        return Main.plain(null).run("plain", mode, out);
    }

    private static boolean pagemapAllowed() {
        try {
            PagemapDmaMapper.create().checkPrivilege();
            return true;
        } catch (DmaMappingException e) {
            return false;
        }
    }

    @Test
    @DisplayName("copies the payload through a simulated IOVA table, one descriptor per contiguous run")
    void payloadThroughSimulatedIova() {
        DemoOutcome o = runPlain(MapperMode.SIMULATED_IOVA);
        assertThat(o.mapper()).isEqualTo(MapperMode.SIMULATED_IOVA);
        assertThat(o.addressSpace()).isEqualTo(DmaAddressSpace.IOVA);
        assertThat(o.segments().segmentCount()).isEqualTo(4);
        // Every page is its own segment: the source crosses one page boundary, the destination
        // another, at different places, so the copy needs three descriptors.
        assertThat(o.descriptors()).extracting(Descriptor::length).containsExactly(50, 50, 200);
        assertThat(o.received()).isEqualTo(DriverDemo.payload());
        assertThat(o.payloadArrived()).isTrue();
        assertThat(o.completion().completed()).isEqualTo(3);
        assertThat(o.ok()).isTrue();
    }

    @Test
    @DisplayName("copies the payload through pagemap's physical addresses when this process may read them")
    void payloadThroughPagemap() {
        assumeThat(pagemapAllowed()).as("CAP_SYS_ADMIN for /proc/self/pagemap").isTrue();
        DemoOutcome o = runPlain(MapperMode.AUTO);
        assertThat(o.mapper()).isEqualTo(MapperMode.PAGEMAP);
        assertThat(o.addressSpace()).isEqualTo(DmaAddressSpace.PHYSICAL);
        assertThat(o.payloadArrived()).isTrue();
        assertThat(o.ok()).isTrue();
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("mapper    pagemap: ");
    }

    @Test
    @DisplayName("falls back to the simulated IOVA space, and says so, when pagemap is not allowed")
    void autoFallsBack() {
        assumeThat(pagemapAllowed()).as("running without CAP_SYS_ADMIN").isFalse();
        DemoOutcome o = runPlain(MapperMode.AUTO);
        assertThat(o.mapper()).isEqualTo(MapperMode.SIMULATED_IOVA);
        assertThat(o.mapperReason()).startsWith("pagemap cannot run here: ").contains("CAP_SYS_ADMIN");
        assertThat(o.ok()).isTrue();
    }

    @Test
    @DisplayName("rings the doorbell with an ordered write: a barrier-before-write right before the store")
    void doorbellIsOrdered() {
        List<TraceEntry> trace = runPlain(MapperMode.SIMULATED_IOVA).trace();
        int first = indexOfDoorbell(trace);
        assertThat(first).isPositive();
        assertThat(trace.get(first - 1).kind()).isEqualTo(AccessKind.BARRIER_BEFORE_WRITE);
        assertThat(trace.get(first).value()).isEqualTo(3);
        // The ring set-up before it is relaxed: three stores with no barrier among them.
        assertThat(trace.subList(first - 4, first - 1)).extracting(TraceEntry::kind)
                .containsExactly(AccessKind.STORE, AccessKind.STORE, AccessKind.STORE);
    }

    @Test
    @DisplayName("polls STATUS with ordered reads: each load is followed by a barrier-after-read")
    void pollsAreOrdered() {
        List<TraceEntry> trace = runPlain(MapperMode.SIMULATED_IOVA).trace();
        int polls = 0;
        for (int i = 0; i < trace.size(); i++) {
            if (trace.get(i).kind() == AccessKind.LOAD && trace.get(i).offset() == ToyNicRegisters.STATUS) {
                polls++;
                assertThat(trace.get(i + 1).kind()).isEqualTo(AccessKind.BARRIER_AFTER_READ);
            }
        }
        assertThat(polls).isEqualTo(4); // 3 for the copy (0, 0, DONE), 1 for the refused descriptor
    }

    @Test
    @DisplayName("lets the device reach host memory only at DMA addresses inside the table")
    void deviceUsedOnlyTableAddresses() {
        DemoOutcome o = runPlain(MapperMode.SIMULATED_IOVA);
        assertThat(o.deviceDma()).isNotEmpty().allSatisfy(a ->
                assertThat(o.segments().bufferOffsetOf(a.dmaAddress(), a.length())).isEqualTo(a.bufferOffset()));
    }

    @Test
    @DisplayName("refuses a descriptor whose destination is outside the table, and reports its address")
    void outsideAddressRefused() {
        DemoOutcome o = runPlain(MapperMode.SIMULATED_IOVA);
        assertThat(o.rejection().failed()).isTrue();
        assertThat(o.rejection().faultAddress()).isEqualTo(o.rejectedAddress());
        assertThat(o.badAddressRejected()).isTrue();
        assertThat(o.deviceDma()).noneMatch(a -> a.write() && a.what().contains("descriptor 3"));
    }

    @Test
    @DisplayName("reads the MAC with copyFromIo in the widths of x86's memcpy_fromio: 2 bytes, then 4")
    void macCopyWidths() {
        DemoOutcome o = runPlain(MapperMode.SIMULATED_IOVA);
        assertThat(o.mac()).isEqualTo(ToyNicRegisters.MAC_VALUE);
        assertThat(o.trace()).filteredOn(e -> e.overlaps(ToyNicRegisters.MAC, ToyNicRegisters.MAC + ToyNicRegisters.MAC_LENGTH))
                .extracting(TraceEntry::describe).containsExactly("load 2 B at 0x2a = 0x1002", "load 4 B at 0x2c = 0xa70d00e0");
    }

    @Test
    @DisplayName("drives the same device with arm64's rules on this x86 machine: the MAC is read byte by byte")
    void arm64Rules() {
        DemoOutcome o = Main.plain("aarch64").run("plain", MapperMode.SIMULATED_IOVA, out);
        assertThat(o.backend()).isEqualTo("aarch64");
        assertThat(o.ok()).isTrue();
        assertThat(o.trace()).filteredOn(e -> e.overlaps(ToyNicRegisters.MAC, ToyNicRegisters.MAC + ToyNicRegisters.MAC_LENGTH))
                .extracting(TraceEntry::size).containsExactly(1, 1, 1, 1, 1, 1);
    }

    @Test
    @DisplayName("is built by Guice with IomemModule's platform, the same backend the plain API chooses")
    void guiceWiring() {
        DriverDemo demo = Main.guice(null);
        assertThat(demo.platform().backend().name()).isEqualTo(Iomem.platform().backend().name());
        DemoOutcome o = demo.run("guice", MapperMode.SIMULATED_IOVA, out);
        assertThat(o.wiring()).isEqualTo("guice");
        assertThat(o.ok()).isTrue();
    }

    @Test
    @DisplayName("uses a backend bound with OptionalBinder.setBinding instead of the selection")
    void guiceOverride() {
        ArchBackend mine = new X86Backend();
        DriverDemo demo = Guice.createInjector(new IomemModule(), new AbstractModule() {
            @Override
            protected void configure() {
                OptionalBinder.newOptionalBinder(binder(), ArchBackend.class).setBinding().toInstance(mine);
            }
        }).getInstance(DriverDemo.class);
        IoPlatform platform = demo.platform();
        assertThat(platform.backend()).isSameAs(mine);
        assertThat(platform.reason()).contains("OptionalBinder.setBinding");
        assertThat(demo.run("guice", MapperMode.SIMULATED_IOVA, out).ok()).isTrue();
    }

    @Test
    @DisplayName("tells the story: segments, the trace with barriers, the device's DMA and the result")
    void narrative() {
        runPlain(MapperMode.SIMULATED_IOVA);
        assertThat(text.toString(StandardCharsets.UTF_8))
                .contains("mapper    simulated-iova: ")
                .contains("[3] DMA 0x40030000 + 4096 B  (buffer+0x3000)")
                .containsPattern("#\\d+ +barrier-before-write\\R +#\\d+ +store 4 B at 0xc = 0x3 +DOORBELL")
                .contains("DMA write 50 B at 0x40020fce -> buffer+0x2fce (payload of descriptor 0)")
                .contains("is outside every segment of the table")
                .contains("RESULT: OK");
    }

    private static int indexOfDoorbell(List<TraceEntry> trace) {
        for (int i = 0; i < trace.size(); i++) {
            if (trace.get(i).kind() == AccessKind.STORE && trace.get(i).offset() == ToyNicRegisters.DOORBELL) {
                return i;
            }
        }
        return -1;
    }
}
