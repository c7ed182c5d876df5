package dev.iomem.core.dma;

import dev.iomem.core.linux.Libc;
import dev.iomem.core.linux.ErrnoException;

import java.util.ArrayList;
import java.util.List;

/**
 * The ranges of this process's memory that iomem holds locked, so that releasing one holder
 * never unlocks pages another still needs. {@code mlock} does not nest (mlock(2): "Memory locks
 * do not stack"): one {@code munlock} undoes any number of {@code mlock}s. So a table that is
 * closed unlocks only the pages that no other live table or {@link DmaBuffers} allocation
 * (mapped with MAP_LOCKED) covers.
 *
 * <p>Memory locked by the application itself, outside iomem, is not known here: closing a
 * table over it unlocks it.
 */
final class LockedRanges {

    private static final List<Hold> HOLDS = new ArrayList<>();

    private LockedRanges() {
    }

    /** One holder's claim on {@code [start, end)}. */
    static final class Hold {
        private final long start;
        private final long end;
        private final boolean unlockOnRelease;
        private boolean released;

        private Hold(long start, long end, boolean unlockOnRelease) {
            this.start = start;
            this.end = end;
            this.unlockOnRelease = unlockOnRelease;
        }

        /**
         * Gives up the claim, and {@code munlock}s the pages of the range no other holder covers
         * if this hold locked them. Later calls do nothing.
         *
         * @throws ErrnoException if munlock fails; the claim is given up all the same
         */
        void release() {
            synchronized (HOLDS) {
                if (released) {
                    return;
                }
                released = true;
                HOLDS.remove(this);
                if (unlockOnRelease) {
                    unlockUncovered(start, end);
                }
            }
        }
    }

    /**
     * Locks {@code [address, address + length)} with {@code mlock} and holds it.
     *
     * @return the hold, to release exactly once
     * @throws ErrnoException if mlock fails; then nothing of the range that no other holder
     *                        covers stays locked (a failed mlock can leave part of the range
     *                        locked, so it is unlocked again)
     */
    static Hold lock(long address, long length) {
        synchronized (HOLDS) {
            try {
                // Memory iomem already holds locked (a DmaBuffers allocation) needs no second
                // mlock, which would walk every page again.
                if (!covered(address, address + length)) {
                    Libc.mlock(address, length);
                }
            } catch (ErrnoException e) {
                try {
                    unlockUncovered(address, address + length);
                } catch (ErrnoException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            Hold h = new Hold(address, address + length, true);
            HOLDS.add(h);
            return h;
        }
    }

    /**
     * Records memory that is already locked (a MAP_LOCKED mapping) and is unlocked by its own
     * {@code munmap}: releasing this hold unlocks nothing.
     *
     * @return the hold, to release before the memory is unmapped
     */
    static Hold alreadyLocked(long address, long length) {
        synchronized (HOLDS) {
            Hold h = new Hold(address, address + length, false);
            HOLDS.add(h);
            return h;
        }
    }

    /** {@return the number of live holds} (for tests) */
    static int liveHolds() {
        synchronized (HOLDS) {
            return HOLDS.size();
        }
    }

    // Caller holds the HOLDS monitor. Live holds overlapping [start, end), by start address.
    private static List<Hold> overlapping(long start, long end) {
        List<Hold> covering = new ArrayList<>();
        for (Hold h : HOLDS) {
            if (Long.compareUnsigned(h.start, end) < 0 && Long.compareUnsigned(start, h.end) < 0) {
                covering.add(h);
            }
        }
        covering.sort((a, b) -> Long.compareUnsigned(a.start, b.start));
        return covering;
    }

    // Caller holds the HOLDS monitor.
    private static boolean covered(long start, long end) {
        long cursor = start;
        for (Hold h : overlapping(start, end)) {
            if (Long.compareUnsigned(h.start, cursor) > 0) {
                return false;
            }
            if (Long.compareUnsigned(h.end, cursor) > 0) {
                cursor = h.end;
            }
        }
        return Long.compareUnsigned(cursor, end) >= 0;
    }

    // Caller holds the HOLDS monitor.
    private static void unlockUncovered(long start, long end) {
        List<Hold> covering = overlapping(start, end);
        long cursor = start;
        ErrnoException failure = null;
        for (Hold h : covering) {
            if (Long.compareUnsigned(h.start, cursor) > 0) {
                failure = munlock(cursor, h.start, failure);
            }
            if (Long.compareUnsigned(h.end, cursor) > 0) {
                cursor = h.end;
            }
            if (Long.compareUnsigned(cursor, end) >= 0) {
                break;
            }
        }
        if (Long.compareUnsigned(cursor, end) < 0) {
            failure = munlock(cursor, end, failure);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static ErrnoException munlock(long from, long to, ErrnoException earlier) {
        try {
            Libc.munlock(from, to - from);
            return earlier;
        } catch (ErrnoException e) {
            if (earlier != null) {
                earlier.addSuppressed(e);
                return earlier;
            }
            return e;
        }
    }
}
