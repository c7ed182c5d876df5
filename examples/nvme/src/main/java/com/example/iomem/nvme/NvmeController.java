package com.example.iomem.nvme;

import dev.iomem.api.IoAccessor;
import dev.iomem.core.regs.Register;
import dev.iomem.core.regs.RegisterBlock;
import dev.iomem.core.regs.layouts.NvmeLayout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static com.example.iomem.nvme.NvmeException.Kind.COMMAND_STATUS;
import static com.example.iomem.nvme.NvmeException.Kind.CONTROLLER_FATAL;
import static com.example.iomem.nvme.NvmeException.Kind.TIMEOUT;
import static com.example.iomem.nvme.NvmeException.Kind.UNSUPPORTED;

/**
 * One NVMe controller driven from user space (NVM Express Base Specification 1.4, sections 3.1 and
 * 7.6): bring-up, admin commands, one I/O queue pair, reads and writes with PRP lists, and shutdown.
 * Every register goes through {@link NvmeLayout} bound with {@link RegisterBlock}; doorbells are
 * ordered writes ({@link Register#write(long)}: the queue entry in memory is visible before the
 * controller sees the new tail). Queue entries and completions are little-endian in memory on every
 * architecture (s390x is big-endian).
 */
public final class NvmeController implements AutoCloseable {

    /** The memory page size the driver uses (CC.MPS = 0). */
    public static final int PAGE = 4096;
    static final int SQE = 64;
    static final int CQE = 16;
    static final int ADMIN_DEPTH = 32;

    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle CQ_STATUS = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final RegisterBlock regs;
    private final Register cc;
    private final Register csts;
    private final DmaSource dma;
    private final Completion completion;
    private final Duration commandTimeout;
    private final Consumer<String> log;
    private final long cap;
    private final int vs;
    private final Duration readyTimeout;
    private final Queue admin;
    private final List<Queue> ioQueues = new ArrayList<>();
    private final DmaRegion scratch;
    private int nextCid;
    private boolean enabled;
    private boolean shutDown;
    private long readyMillis;

    private NvmeController(IoAccessor bar0, DmaSource dma, Completion completion, Duration commandTimeout, Consumer<String> log) {
        RegisterBlock plain = RegisterBlock.bind(NvmeLayout.CONTROLLER, bar0);
        this.cap = plain.register("CAP").read();
        this.vs = (int) plain.register("VS").read();
        int dstrd = (int) plain.register("CAP").field("DSTRD").decode(cap);
        this.regs = RegisterBlock.bind(NvmeLayout.forStride(dstrd, 2), bar0);
        this.cc = regs.register("CC");
        this.csts = regs.register("CSTS");
        this.dma = dma;
        this.completion = completion;
        this.commandTimeout = commandTimeout;
        this.log = log;
        long to = regs.register("CAP").field("TO").decode(cap);
        this.readyTimeout = Duration.ofMillis(Math.max(1, to) * 500);
        long cssNvm = regs.register("CAP").field("CSS").decode(cap) & 1;
        long mpsMin = regs.register("CAP").field("MPSMIN").decode(cap);
        if (cssNvm == 0) {
            throw new NvmeException(UNSUPPORTED, String.format("CAP 0x%016x: the controller does not offer the NVM command set", cap));
        }
        if (mpsMin != 0) {
            throw new NvmeException(UNSUPPORTED, String.format("CAP.MPSMIN %d: the controller's smallest page is %d KiB, this driver uses 4 KiB",
                    mpsMin, 4 << mpsMin));
        }
        this.admin = bindDoorbells(new Queue(0, ADMIN_DEPTH, dma.allocate(PAGE), dma.allocate(PAGE), null, 0));
        this.scratch = dma.allocate(2 * PAGE);
    }

    /**
     * Brings a controller up: reads CAP and VS, disables the controller, programs the admin queues
     * (AQA, ASQ, ACQ) in DMA memory, enables it and waits for CSTS.RDY within CAP.TO.
     *
     * @throws NvmeException CONTROLLER_FATAL if CSTS.CFS is set, TIMEOUT if CSTS.RDY does not follow CC.EN in CAP.TO
     */
    public static NvmeController start(IoAccessor bar0, DmaSource dma, Completion completion, Duration commandTimeout,
                                       Consumer<String> log) {
        NvmeController c = new NvmeController(bar0, dma, completion, commandTimeout, log);
        try {
            c.enable();
        } catch (RuntimeException e) {
            c.release(e);
            throw e;
        }
        return c;
    }

    private void enable() {
        log.accept(String.format("CAP 0x%016x (MQES %d, TO %d ms, DSTRD %d, CMBS %d), VS %d.%d.%d", cap,
                regs.register("CAP").field("MQES").decode(cap) + 1, readyTimeout.toMillis(),
                regs.register("CAP").field("DSTRD").decode(cap), regs.register("CAP").field("CMBS").decode(cap),
                vs >>> 16, (vs >>> 8) & 0xff, vs & 0xff));
        disable();
        checkFatal("before enabling");
        regs.register("AQA").write(((long) (ADMIN_DEPTH - 1) << 16) | (ADMIN_DEPTH - 1));
        regs.register("ASQ").write(admin.sq.dma(0));
        regs.register("ACQ").write(admin.cq.dma(0));
        long value = (4L << 20) | (6L << 16) | 1;    // IOCQES 16 B, IOSQES 64 B, MPS 4 KiB, CSS NVM, round robin, EN
        long t0 = System.nanoTime();
        cc.write(value);
        enabled = true;
        waitCsts("RDY", 1, readyTimeout, "CSTS.RDY after CC.EN = 1");
        readyMillis = (System.nanoTime() - t0) / 1_000_000;
    }

    /** Clears CC.EN and waits for CSTS.RDY to clear (a controller reset), if the controller is enabled. */
    private void disable() {
        if ((cc.read() & 1) != 0 || (csts.read() & 1) != 0) {
            cc.update(1, 0);
            waitCsts("RDY", 0, readyTimeout, "CSTS.RDY to clear after CC.EN = 0");
        }
    }

    private void waitCsts(String field, long want, Duration limit, String what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            long v = csts.read();
            if (!field.equals("RDY") || want != 0) {
                if ((v & 2) != 0) {
                    throw new NvmeException(CONTROLLER_FATAL, String.format("controller fatal status (CSTS 0x%x, CFS set) while waiting for %s", v, what));
                }
            }
            if (csts.field(field).decode(v) == want) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new NvmeException(TIMEOUT, String.format("timeout: no %s within %d ms (CSTS 0x%x)", what, limit.toMillis(), v));
            }
            sleepBriefly();
        }
    }

    private void checkFatal(String when) {
        long v = csts.read();
        if ((v & 2) != 0) {
            throw new NvmeException(CONTROLLER_FATAL, String.format("controller fatal status (CSTS 0x%x, CFS set) %s", v, when));
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NvmeException(TIMEOUT, "interrupted");
        }
    }

    /** {@return CAP as read at start} */
    public long cap() {
        return cap;
    }

    /** {@return VS as read at start} */
    public int version() {
        return vs;
    }

    /** {@return how long CSTS.RDY took after CC.EN, in milliseconds} */
    public long readyMillis() {
        return readyMillis;
    }

    /** {@return the registers, bound} */
    public RegisterBlock registers() {
        return regs;
    }

    // ---- Admin commands -------------------------------------------------------------------------------

    /** Identify Controller (CNS 1). */
    public IdentifyController identifyController() {
        scratch.memory().asSlice(0, PAGE).fill((byte) 0);
        MemorySegment sqe = command(0x06, 0);
        sqe.set(LE_LONG, 24, scratch.dma(0));
        sqe.set(LE_INT, 40, 1);
        submitAndWait(admin, sqe, "Identify Controller");
        MemorySegment d = scratch.memory();
        return new IdentifyController(d.get(LE_SHORT, 0) & 0xffff, ascii(d, 4, 20), ascii(d, 24, 40), ascii(d, 64, 8),
                d.get(ValueLayout.JAVA_BYTE, 77) & 0xff, d.get(LE_INT, 516) & 0xffff_ffffL);
    }

    /** Identify Namespace (CNS 0). */
    public IdentifyNamespace identifyNamespace(int nsid) {
        scratch.memory().asSlice(0, PAGE).fill((byte) 0);
        MemorySegment sqe = command(0x06, nsid);
        sqe.set(LE_LONG, 24, scratch.dma(0));
        sqe.set(LE_INT, 40, 0);
        submitAndWait(admin, sqe, "Identify Namespace " + nsid);
        MemorySegment d = scratch.memory();
        int flbas = d.get(ValueLayout.JAVA_BYTE, 26) & 0xf;
        int lbaf = d.get(LE_INT, 128 + 4 * flbas);
        return new IdentifyNamespace(nsid, d.get(LE_LONG, 0), d.get(LE_LONG, 8), d.get(LE_LONG, 16),
                (d.get(ValueLayout.JAVA_BYTE, 25) & 0xff) + 1, flbas, (lbaf >>> 16) & 0xff, lbaf & 0xffff, (lbaf >>> 24) & 3);
    }

    /**
     * Creates I/O completion queue {@code qid}, then I/O submission queue {@code qid} on it.
     *
     * @param sqInCmb where the SQ lies instead of host memory, or {@code null}
     */
    public Queue createIoQueuePair(int qid, int depth, CmbQueue sqInCmb) {
        long mqes = regs.register("CAP").field("MQES").decode(cap) + 1;
        if (depth > mqes || depth * SQE > PAGE) {
            throw new NvmeException(UNSUPPORTED, "queue depth " + depth + " beyond CAP.MQES " + mqes + " or one page");
        }
        DmaRegion cq = dma.allocate(PAGE);
        DmaRegion sq = sqInCmb == null ? dma.allocate(PAGE) : null;
        int vector = completion.interrupts() ? 1 : 0;
        Queue q = bindDoorbells(new Queue(qid, depth, sq, cq, sqInCmb, vector));
        q.prpList = dma.allocate(PAGE);
        MemorySegment c = command(0x05, 0);
        c.set(LE_LONG, 24, cq.dma(0));
        c.set(LE_INT, 40, ((depth - 1) << 16) | qid);
        c.set(LE_INT, 44, (vector << 16) | (completion.interrupts() ? 2 : 0) | 1);   // IV, IEN, PC
        submitAndWait(admin, c, "Create I/O Completion Queue " + qid);
        MemorySegment s = command(0x01, 0);
        s.set(LE_LONG, 24, sqInCmb == null ? sq.dma(0) : sqInCmb.controllerAddress());
        s.set(LE_INT, 40, ((depth - 1) << 16) | qid);
        s.set(LE_INT, 44, (qid << 16) | 1);           // CQID, PC, priority urgent (ignored by round robin)
        try {
            submitAndWait(admin, s, "Create I/O Submission Queue " + qid);
        } catch (NvmeException e) {
            deleteQueue(0x04, qid, "Delete I/O Completion Queue " + qid, e);
            throw e;
        }
        ioQueues.add(q);
        return q;
    }

    private void deleteQueue(int opcode, int qid, String what, Throwable failure) {
        try {
            MemorySegment d = command(opcode, 0);
            d.set(LE_INT, 40, qid);
            submitAndWait(admin, d, what);
        } catch (RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                throw e;
            }
        }
    }

    // ---- I/O -------------------------------------------------------------------------------------

    /** {@return the largest transfer of one command in bytes: MDTS, and at most one PRP list page} */
    public long maxTransfer(IdentifyController id) {
        long byList = (long) (PAGE / 8 + 1) * PAGE;
        return id.mdts() == 0 ? byList : Math.min(byList, (1L << id.mdts()) * PAGE);
    }

    /**
     * Reads or writes {@code blocks} blocks at {@code lba} from or into {@code buffer} at
     * {@code offset} (page-aligned), in one command: PRP1 is the first page, PRP2 the second page
     * or, beyond two pages, a PRP list in DMA memory.
     */
    public void io(Queue q, boolean write, int nsid, long lba, int blocks, int blockSize, DmaRegion buffer, long offset) {
        long bytes = (long) blocks * blockSize;
        int pages = (int) ((bytes + PAGE - 1) / PAGE);
        MemorySegment c = command(write ? 0x01 : 0x02, nsid);
        c.set(LE_LONG, 24, buffer.dma(offset));
        if (pages == 2) {
            c.set(LE_LONG, 32, buffer.dma(offset + PAGE));
        } else if (pages > 2) {
            if (pages - 1 > PAGE / 8) {
                throw new IllegalArgumentException(pages + " pages need more than one PRP list page");
            }
            for (int i = 1; i < pages; i++) {
                q.prpList.memory().set(LE_LONG, 8L * (i - 1), buffer.dma(offset + (long) i * PAGE));
            }
            c.set(LE_LONG, 32, q.prpList.dma(0));
        }
        c.set(LE_LONG, 40, lba);
        c.set(LE_INT, 48, blocks - 1);
        submitAndWait(q, c, (write ? "Write " : "Read ") + blocks + " blocks at LBA " + lba);
    }

    // ---- Queues ------------------------------------------------------------------------------------

    private MemorySegment command(int opcode, int nsid) {
        MemorySegment sqe = Arena.ofAuto().allocate(SQE, 8);
        int cid = nextCid++ & 0xffff;
        sqe.set(LE_INT, 0, opcode | (cid << 16));
        sqe.set(LE_INT, 4, nsid);
        return sqe;
    }

    /** Places a command at the SQ tail, rings the tail doorbell (ordered), and waits for its completion. */
    CompletionEntry submitAndWait(Queue q, MemorySegment sqe, String what) {
        int cid = (sqe.get(LE_INT, 0) >>> 16) & 0xffff;
        int opcode = sqe.get(LE_INT, 0) & 0xff;
        if (q.cmb != null) {
            q.cmb.io().copyToIo(sqe, q.cmb.offset() + (long) q.sqTail * SQE);
        } else {
            MemorySegment.copy(sqe, 0, q.sq.memory(), (long) q.sqTail * SQE, SQE);
        }
        q.sqTail = (q.sqTail + 1) % q.depth;
        VarHandle.fullFence();
        q.sqDoorbell().write(q.sqTail);
        CompletionEntry e = await(q, what);
        if (e.cid() != cid) {
            throw new NvmeException(COMMAND_STATUS, what + ": completion for command " + e.cid() + ", expected " + cid);
        }
        if (e.status() != 0) {
            throw new NvmeException(COMMAND_STATUS, String.format("%s (opcode 0x%02x) completed with an error status: SCT 0x%x, SC 0x%02x%s (%s)",
                    what, opcode, e.sct(), e.sc(), e.dnr() ? ", do not retry" : "", StatusNames.describe(e.sct(), e.sc())));
        }
        return e;
    }

    private CompletionEntry await(Queue q, String what) {
        long limit = commandTimeout.toNanos();
        long start = System.nanoTime();
        long offset = (long) q.cqHead * CQE;
        int spins = 0;
        boolean byInterrupt = completion.interrupts() && q.qid != 0;
        while (true) {
            if (byInterrupt) {
                // Interrupt-driven: the vector's eventfd wakes the driver, then the phase tag is read.
                // An interrupt that came before this wait is still counted in the eventfd.
                completion.await(q.vector, Duration.ofMillis(100));
            }
            short status = (short) CQ_STATUS.getVolatile(q.cq.memory(), offset + 14);
            if ((status & 1) == q.phase) {
                MemorySegment m = q.cq.memory();
                CompletionEntry e = new CompletionEntry(m.get(LE_INT, offset), m.get(LE_SHORT, offset + 8) & 0xffff,
                        m.get(LE_SHORT, offset + 10) & 0xffff, m.get(LE_SHORT, offset + 12) & 0xffff, (status & 0xffff) >>> 1);
                q.cqHead++;
                if (q.cqHead == q.depth) {
                    q.cqHead = 0;
                    q.phase ^= 1;
                }
                q.cqDoorbell().write(q.cqHead);
                if (byInterrupt) {
                    q.interrupts++;
                }
                return e;
            }
            long waited = System.nanoTime() - start;
            if ((++spins & 0x3f) == 0) {
                checkFatal("while waiting for " + what);
            }
            if (waited > limit) {
                checkFatal("while waiting for " + what);
                throw new NvmeException(TIMEOUT, String.format("timeout: no completion for %s within %d ms (queue %d, head %d)",
                        what, commandTimeout.toMillis(), q.qid, q.cqHead));
            }
            if (!byInterrupt && spins > 1000) {
                Thread.onSpinWait();
                if ((spins & 0xff) == 0) {
                    Thread.yield();
                }
            }
        }
    }

    // ---- Shutdown ----------------------------------------------------------------------------------

    /**
     * Deletes the I/O queues, then shuts the controller down (CC.SHN = normal, CSTS.SHST = complete
     * within CAP.TO) and disables it.
     *
     * @return the milliseconds the shutdown took
     */
    public long shutdown() {
        if (shutDown) {
            return 0;
        }
        shutDown = true;
        for (int i = ioQueues.size() - 1; i >= 0; i--) {
            Queue q = ioQueues.get(i);
            deleteQueue(0x00, q.qid, "Delete I/O Submission Queue " + q.qid, null);
            deleteQueue(0x04, q.qid, "Delete I/O Completion Queue " + q.qid, null);
        }
        ioQueues.clear();
        long t0 = System.nanoTime();
        cc.field("SHN").update(1);
        waitCsts("SHST", 2, readyTimeout, "CSTS.SHST = complete after CC.SHN = normal");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        disable();
        enabled = false;
        return ms;
    }

    /**
     * After a failure: stop the controller's DMA before the caller unmaps its tables. A controller
     * in a fatal state is only reset (CC.EN = 0); otherwise it is shut down first.
     */
    private void release(Throwable failure) {
        try {
            if (enabled && !shutDown && (csts.read() & 2) == 0) {
                shutdown();
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        try {
            shutDown = true;
            disable();
            enabled = false;
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Shuts down if not done yet; after a failure, at least clears CC.EN so that no DMA follows. */
    @Override
    public void close() {
        if (!enabled) {
            return;
        }
        NvmeException failure = new NvmeException(NvmeException.Kind.UNSUPPORTED, "release");
        release(failure);
        for (Throwable t : failure.getSuppressed()) {
            log.accept("release: " + t.getMessage());
        }
    }

    /** {@return whether the controller is enabled (CC.EN as this driver left it)} */
    public boolean enabled() {
        return enabled;
    }

    private static String ascii(MemorySegment d, int offset, int length) {
        byte[] b = d.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        return new String(b, StandardCharsets.US_ASCII).strip();
    }

    /** One submission/completion queue pair. */
    public static final class Queue {
        final int qid;
        final int depth;
        final DmaRegion sq;
        final DmaRegion cq;
        final CmbQueue cmb;
        final int vector;
        DmaRegion prpList;
        int sqTail;
        int cqHead;
        int phase = 1;
        long interrupts;
        private Register sqDb;
        private Register cqDb;

        Queue(int qid, int depth, DmaRegion sq, DmaRegion cq, CmbQueue cmb, int vector) {
            this.qid = qid;
            this.depth = depth;
            this.sq = sq;
            this.cq = cq;
            this.cmb = cmb;
            this.vector = vector;
        }

        Register sqDoorbell() {
            return sqDb;
        }

        Register cqDoorbell() {
            return cqDb;
        }

        /** {@return the queue id} */
        public int id() {
            return qid;
        }

        /** {@return the DMA address of the SQ in host memory, or -1 when it lies in the CMB} */
        public long sqAddress() {
            return sq == null ? -1 : sq.dma(0);
        }

        /** {@return the DMA address of the CQ} */
        public long cqAddress() {
            return cq.dma(0);
        }

        /** {@return the queue's MSI-X vector} */
        public int vector() {
            return vector;
        }

        /** {@return how many completions of this queue were waited for by interrupt} */
        public long completionsByInterrupt() {
            return interrupts;
        }

        /** {@return the queue depth} */
        public int depth() {
            return depth;
        }
    }

    private Queue bindDoorbells(Queue q) {
        q.sqDb = regs.array("SQTDBL").get(q.qid);
        q.cqDb = regs.array("CQHDBL").get(q.qid);
        return q;
    }

    /** A completion queue entry (NVMe 1.4, 4.6). */
    record CompletionEntry(int dw0, int sqHead, int sqId, int cid, int status) {
        int sc() {
            return status & 0xff;
        }

        int sct() {
            return (status >>> 8) & 7;
        }

        boolean dnr() {
            return (status & (1 << 14)) != 0;
        }
    }
}
