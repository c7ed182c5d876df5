package com.example.iomem.nvme;

import dev.iomem.api.Width;
import dev.iomem.spi.IoBus;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static com.example.iomem.nvme.NvmeController.LE_INT;
import static com.example.iomem.nvme.NvmeController.LE_LONG;
import static com.example.iomem.nvme.NvmeController.LE_SHORT;

/**
 * A small NVMe controller behind a BAR, for the bad states the lab cannot provoke: it answers
 * CC.EN with CSTS.RDY, runs admin and I/O commands when a tail doorbell is written (synchronously,
 * through {@link FakeDma}'s made-up DMA addresses), and can be told to fail in one way.
 */
final class SimulatedNvme implements IoBus {

    enum Fault {
        NONE,
        /** CSTS.CFS comes up instead of CSTS.RDY. */
        FATAL_AT_ENABLE,
        /** CSTS.RDY never follows CC.EN. */
        NEVER_READY,
        /** The first I/O command sets CSTS.CFS and never completes. */
        FATAL_ON_IO,
        /** The first I/O command never completes. */
        LOST_IO_COMPLETION,
        /** Writes complete with LBA out of range (SCT 0, SC 0x80). */
        WRITE_ERROR
    }

    static final long CAP = (1L << 37) | (2L << 24) | 255;    // CSS NVM, TO 1 s, MQES 256
    final FakeDma dma;
    final Fault fault;
    final long nsze;
    final Map<Long, byte[]> disk = new HashMap<>();
    int cc;
    int csts;
    int aqa;
    long asq;
    long acq;
    final long[] sqBase = new long[2];
    final long[] cqBase = new long[2];
    final int[] depth = new int[2];
    final int[] sqHead = new int[2];
    final int[] cqTail = new int[2];
    final int[] phase = {1, 1};
    boolean shutdownSeen;
    int ioCommands;

    SimulatedNvme(FakeDma dma, Fault fault, long nsze) {
        this.dma = dma;
        this.fault = fault;
        this.nsze = nsze;
    }

    @Override
    public long size() {
        return 0x2000;
    }

    @Override
    public synchronized long load(long offset, Width width) {
        long v = switch ((int) offset) {
            case 0x00 -> CAP;
            case 0x04 -> CAP >>> 32;
            case 0x08 -> 0x10400;
            case 0x14 -> cc;
            case 0x1c -> csts;
            case 0x24 -> aqa;
            case 0x28 -> asq;
            case 0x30 -> acq;
            default -> 0;
        };
        return width == Width.LONG ? v : v & 0xffff_ffffL;
    }

    @Override
    public synchronized void store(long offset, Width width, long value) {
        switch ((int) offset) {
            case 0x14 -> writeCc((int) value);
            case 0x24 -> aqa = (int) value;
            case 0x28 -> asq = value;
            case 0x30 -> acq = value;
            case 0x1000 -> doorbell(0, (int) value);
            case 0x1008 -> doorbell(1, (int) value);
            default -> { }
        }
    }

    private void writeCc(int v) {
        boolean en = (v & 1) != 0;
        if (((v >>> 14) & 3) == 1) {
            shutdownSeen = true;
            csts = (csts & ~0xc) | (2 << 2);
        }
        if (en && (cc & 1) == 0) {
            sqBase[0] = asq;
            cqBase[0] = acq;
            depth[0] = (aqa & 0xfff) + 1;
            sqHead[0] = cqTail[0] = 0;
            phase[0] = 1;
            switch (fault) {
                case FATAL_AT_ENABLE -> csts |= 2;
                case NEVER_READY -> { }
                default -> csts |= 1;
            }
        } else if (!en && (cc & 1) != 0) {
            csts &= ~1;
            csts &= ~0xc;
        }
        cc = v;
    }

    private void doorbell(int q, int tail) {
        while (sqHead[q] != tail) {
            MemorySegment sqe = dma.resolve(sqBase[q] + (long) sqHead[q] * 64, 64);
            sqHead[q] = (sqHead[q] + 1) % depth[q];
            int status = q == 0 ? admin(sqe) : io(sqe);
            if (status < 0) {
                continue;   // no completion
            }
            int cid = sqe.get(LE_INT, 0) >>> 16;
            MemorySegment cqe = dma.resolve(cqBase[q] + (long) cqTail[q] * 16, 16);
            cqe.set(LE_INT, 0, 0);
            cqe.set(LE_SHORT, 8, (short) sqHead[q]);
            cqe.set(LE_SHORT, 10, (short) q);
            cqe.set(LE_SHORT, 12, (short) cid);
            cqe.set(LE_SHORT, 14, (short) ((status << 1) | phase[q]));
            cqTail[q] = (cqTail[q] + 1) % depth[q];
            if (cqTail[q] == 0) {
                phase[q] ^= 1;
            }
        }
    }

    private int admin(MemorySegment sqe) {
        int opc = sqe.get(LE_INT, 0) & 0xff;
        int nsid = sqe.get(LE_INT, 4);
        long prp1 = sqe.get(LE_LONG, 24);
        int cdw10 = sqe.get(LE_INT, 40);
        switch (opc) {
            case 0x06 -> {
                MemorySegment d = dma.resolve(prp1, 4096);
                if ((cdw10 & 0xff) == 1) {
                    d.set(LE_SHORT, 0, (short) 0x1b36);
                    put(d, 4, 20, "sim0");
                    put(d, 24, 40, "Simulated NVMe");
                    put(d, 64, 8, "1.0");
                    d.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 77, (byte) 2);  // MDTS 16 KiB: PRP lists
                    d.set(LE_INT, 516, 1);
                    return 0;
                }
                if (nsid != 1) {
                    return 0x0b;
                }
                d.set(LE_LONG, 0, nsze);
                d.set(LE_LONG, 8, nsze);
                d.set(LE_INT, 128, 9 << 16);
                return 0;
            }
            case 0x05, 0x01 -> {
                int qid = cdw10 & 0xffff;
                if (opc == 0x05) {
                    cqBase[qid] = prp1;
                    depth[qid] = (cdw10 >>> 16) + 1;
                } else {
                    sqBase[qid] = prp1;
                }
                return 0;
            }
            case 0x00, 0x04 -> {
                return 0;
            }
            default -> {
                return 0x01;
            }
        }
    }

    private int io(MemorySegment sqe) {
        ioCommands++;
        int opc = sqe.get(LE_INT, 0) & 0xff;
        if (ioCommands == 1 && fault == Fault.FATAL_ON_IO) {
            csts |= 2;
            return -1;
        }
        if (ioCommands == 1 && fault == Fault.LOST_IO_COMPLETION) {
            return -1;
        }
        if (opc == 0x01 && fault == Fault.WRITE_ERROR) {
            return 0x80;
        }
        long lba = sqe.get(LE_LONG, 40);
        int blocks = (sqe.get(LE_INT, 48) & 0xffff) + 1;
        long prp1 = sqe.get(LE_LONG, 24);
        long prp2 = sqe.get(LE_LONG, 32);
        int pages = (blocks * 512 + 4095) / 4096;
        long[] page = new long[pages];
        page[0] = prp1;
        if (pages == 2) {
            page[1] = prp2;
        } else if (pages > 2) {
            MemorySegment list = dma.resolve(prp2, 8L * (pages - 1));
            for (int i = 1; i < pages; i++) {
                page[i] = list.get(LE_LONG, 8L * (i - 1));
            }
        }
        for (int b = 0; b < blocks; b++) {
            MemorySegment m = dma.resolve(page[b * 512 / 4096] + (b * 512L % 4096), 512);
            if (opc == 0x01) {
                disk.put(lba + b, m.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            } else {
                byte[] d = disk.getOrDefault(lba + b, new byte[512]);
                MemorySegment.copy(MemorySegment.ofArray(d), 0, m, 0, 512);
            }
        }
        return 0;
    }

    private static void put(MemorySegment d, int offset, int length, String s) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) ' ');
        byte[] src = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(src, 0, b, 0, src.length);
        MemorySegment.copy(MemorySegment.ofArray(b), 0, d, offset, length);
    }

    @Override
    public void close() {
    }
}
