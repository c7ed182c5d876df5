package dev.iomem.testkit.conformance;

import dev.iomem.api.MemoryType;
import dev.iomem.spi.ArchBackend;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The conformance kit for an {@link ArchBackend}. A backend author writes one subclass that
 * supplies the backend and runs it with plain JUnit 5:
 *
 * <pre>{@code
 * class Riscv64Conformance extends ArchBackendConformance {
 *     @Override protected ArchBackend backend() { return new Riscv64Backend(); }
 * }
 * }</pre>
 *
 * <p>Every check drives the backend's accessor, built with
 * {@link ArchBackend#accessor(dev.iomem.spi.IoBus, MemoryType, dev.iomem.spi.Barriers)}, over a
 * {@link dev.iomem.testkit.sim.SimulatedBus} that enforces the backend's own rules as the
 * strictest hardware would, and reads the trace of every transaction and barrier. So it runs on
 * any machine, whatever architecture the backend is for. A failure is a {@link ConformanceFailure}
 * whose message names the {@link ConformanceRule}, the operation, the offset and length, what was
 * seen and what was expected, and the trace.
 *
 * <p>Where the backend is available on the machine running the kit ({@link ArchBackend#probe()}
 * and {@code os.arch}), the kit also runs its native bus and barriers over native memory and
 * compares results (rule {@code native-path}). What it cannot see there is the ordering the
 * native barriers give and how real device memory answers, which only real hardware can prove.
 */
@DisplayName("ArchBackend conformance")
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
@TestMethodOrder(MethodOrderer.MethodName.class)
public abstract class ArchBackendConformance {

    /** For subclasses. */
    protected ArchBackendConformance() {
    }

    /**
     * {@return the backend under test} Called once per check; may return the same instance.
     */
    protected abstract ArchBackend backend();

    /** {@return the memory types to check; all by default} */
    protected Set<MemoryType> memoryTypes() {
        return EnumSet.allOf(MemoryType.class);
    }

    /** {@return the size of the simulated window; four pages by default} */
    protected long windowSize() {
        return 4 * KitCases.PAGE;
    }

    List<BackendUnderTest> each() {
        ArchBackend b = backend();
        List<BackendUnderTest> out = new ArrayList<>();
        for (MemoryType t : memoryTypes()) {
            out.add(BackendUnderTest.open(b, t, windowSize()));
        }
        return out;
    }

    @Nested
    @Order(1)
    @DisplayName("Rules")
    class Rules extends RuleChecks {
        @Override
        ArchBackendConformance kit() {
            return ArchBackendConformance.this;
        }
    }

    @Nested
    @Order(2)
    @DisplayName("Scalar accesses")
    class ScalarAccesses extends ScalarAccessChecks {
        @Override
        ArchBackendConformance kit() {
            return ArchBackendConformance.this;
        }
    }

    @Nested
    @Order(3)
    @DisplayName("Ordering hooks")
    class OrderingBarriers extends OrderingBarrierChecks {
        @Override
        ArchBackendConformance kit() {
            return ArchBackendConformance.this;
        }
    }

    @Nested
    @Order(4)
    @DisplayName("Byte order")
    class DeviceByteOrder extends ByteOrderChecks {
        @Override
        ArchBackendConformance kit() {
            return ArchBackendConformance.this;
        }
    }

    @Nested
    @Order(5)
    @DisplayName("Refused accesses")
    class RefusedAccesses extends RefusalChecks {
        @Override
        ArchBackendConformance kit() {
            return ArchBackendConformance.this;
        }
    }

    @Nested
    @Order(6)
    @DisplayName("Copies and fills")
    class CopiesAndFills extends CopyAndFillChecks {
        @Override
        ArchBackendConformance kit() {
            return ArchBackendConformance.this;
        }
    }

    @Nested
    @Order(7)
    @DisplayName("Device quirks")
    class DeviceQuirks extends QuirkChecks {
        @Override
        ArchBackendConformance kit() {
            return ArchBackendConformance.this;
        }
    }

    @Nested
    @Order(8)
    @DisplayName("Slices")
    class Slices extends SliceChecks {
        @Override
        ArchBackendConformance kit() {
            return ArchBackendConformance.this;
        }
    }

    @Nested
    @Order(12)
    @DisplayName("Contract edges: slices' hooks, read(offset, width) refusals, one load per read, RAM buffers, windows beyond 4 GiB, the native path")
    class ContractEdges extends ContractEdgeChecks {
        @Override
        ArchBackendConformance kit() {
            return ArchBackendConformance.this;
        }
    }

    @Nested
    @Order(9)
    @DisplayName("Closing")
    class Closing extends ClosingChecks {
        @Override
        ArchBackendConformance kit() {
            return ArchBackendConformance.this;
        }
    }

    @Nested
    @Order(10)
    @DisplayName("Concurrency")
    class Concurrency extends ConcurrencyChecks {
        @Override
        ArchBackendConformance kit() {
            return ArchBackendConformance.this;
        }
    }

    @Nested
    @Order(11)
    @DisplayName("Registers with side effects")
    class SideEffects extends SideEffectChecks {
        @Override
        ArchBackendConformance kit() {
            return ArchBackendConformance.this;
        }
    }
}
