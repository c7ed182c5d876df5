package com.example.iomem.nvme;

/** Names of the NVMe status codes a person most likely meets (NVMe 1.4, 4.6.1.2). */
final class StatusNames {
    private StatusNames() {
    }

    static String describe(int sct, int sc) {
        if (sct == 0) {
            return switch (sc) {
                case 0x00 -> "successful completion";
                case 0x01 -> "invalid command opcode";
                case 0x02 -> "invalid field in command";
                case 0x04 -> "data transfer error";
                case 0x06 -> "internal error";
                case 0x0b -> "invalid namespace or format";
                case 0x13 -> "PRP offset invalid";
                case 0x80 -> "LBA out of range";
                case 0x81 -> "capacity exceeded";
                case 0x82 -> "namespace not ready";
                default -> "generic status";
            };
        }
        if (sct == 1) {
            return switch (sc) {
                case 0x00 -> "completion queue invalid";
                case 0x01 -> "invalid queue identifier";
                case 0x02 -> "invalid queue size";
                case 0x08 -> "invalid interrupt vector";
                default -> "command specific status";
            };
        }
        if (sct == 2) {
            return "media and data integrity error";
        }
        return "status code type " + sct;
    }
}
