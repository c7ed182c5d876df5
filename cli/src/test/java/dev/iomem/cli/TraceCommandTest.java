package dev.iomem.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("iomem trace")
class TraceCommandTest {

    private static String store(long off, int size) {
        return "{\"kind\":\"store\",\"offset\":" + off + ",\"size\":" + size + "}";
    }

    private static String load(long off, int size) {
        return "{\"kind\":\"load\",\"offset\":" + off + ",\"size\":" + size + "}";
    }

    @Test
    @DisplayName("x86 copy-to-io is the kernel's iomem.c sequence: a byte, a word, dwords, a word tail")
    void x86Copy() {
        CliRun r = CliRun.inProcess("trace", "--backend", "x86_64", "--op", "copy-to-io", "--offset", "1", "--length", "13", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo("{\"backend\":\"x86_64\",\"op\":\"copy-to-io\",\"accesses\":["
                + String.join(",", store(1, 1), store(2, 2), store(4, 4), store(8, 4), store(12, 2)) + "]}");
    }

    @Test
    @DisplayName("x86 copy-from-io of an odd range ends with a word and a byte, never an 8-byte load")
    void x86CopyFrom() {
        CliRun r = CliRun.inProcess("trace", "--backend", "x86_64", "--op", "copy-from-io", "--offset", "0x3", "--length", "8", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"accesses\":[" + String.join(",", load(3, 1), load(4, 4), load(8, 2), load(10, 1)) + "]");
    }

    @Test
    @DisplayName("arm64 copy-from-io is lib/iomem_copy.c: bytes to 8-alignment, quadwords, a byte tail")
    void arm64Copy() {
        CliRun r = CliRun.inProcess("trace", "--backend", "aarch64", "--op", "copy-from-io", "--offset", "5", "--length", "20", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo("{\"backend\":\"aarch64\",\"op\":\"copy-from-io\",\"accesses\":["
                + String.join(",", load(5, 1), load(6, 1), load(7, 1), load(8, 8), load(16, 8), load(24, 1)) + "]}");
    }

    @Test
    @DisplayName("s390x copy-to-io across a page is split at 4 KiB into block stores and aligned stores")
    void s390xCopy() {
        CliRun r = CliRun.inProcess("trace", "--backend", "s390x", "--op", "copy-to-io", "--offset", "4056", "--length", "48", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"accesses\":[{\"kind\":\"store-block\",\"offset\":4056,\"size\":40}," + store(4096, 8) + "]");
    }

    @Test
    @DisplayName("arm64 ordered accesses carry their hooks (before and after), without an offset; relaxed ones none")
    void barriers() {
        CliRun w = CliRun.inProcess("trace", "--backend", "aarch64", "--op", "write", "--offset", "8", "--width", "4", "--json");
        assertThat(w.exit()).as(w.err()).isZero();
        assertThat(w.out()).contains("\"accesses\":[{\"kind\":\"barrier-before-write\"}," + store(8, 4) + ",{\"kind\":\"barrier-after-write\"}]");
        CliRun rd = CliRun.inProcess("trace", "--backend", "aarch64", "--op", "read", "--offset", "8", "--width", "8", "--json");
        assertThat(rd.out()).contains("\"accesses\":[{\"kind\":\"barrier-before-read\"}," + load(8, 8) + ",{\"kind\":\"barrier-after-read\"}]");
        CliRun relaxed = CliRun.inProcess("trace", "--backend", "aarch64", "--op", "read-relaxed", "--offset", "8", "--width", "2", "--json");
        assertThat(relaxed.out()).contains("\"accesses\":[" + load(8, 2) + "]");
        CliRun wr = CliRun.inProcess("trace", "--backend", "aarch64", "--op", "write-relaxed", "--offset", "16", "--width", "1", "--json");
        assertThat(wr.out()).contains("\"accesses\":[" + store(16, 1) + "]");
    }

    @Test
    @DisplayName("the text form lists each access in order with its value, and the rules; wc memory is accepted")
    void text() {
        CliRun r = CliRun.inProcess("trace", "--backend", "x86_64", "--op", "fill", "--offset", "2", "--length", "6",
                "--value", "0x5a", "--memory-type", "wc");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("x86_64 fill at offset 0x2 (2), 6 bytes, WRITE_COMBINING memory",
                "rules: widths 1,2,4,8", "#0    store           2 B at 0x2  value 0x5a5a", "#1    store           4 B at 0x4  value 0x5a5a5a5a",
                "2 transactions, 0 barrier calls");
    }

    @Test
    @DisplayName("bad arguments exit 2 with one line; a refused access exits 1 naming the rule")
    void errors() {
        CliRun noBackend = CliRun.inProcess("trace", "--op", "read", "--offset", "0");
        assertThat(noBackend.exit()).isEqualTo(2);
        assertThat(noBackend.err()).contains("needs --backend NAME");
        CliRun badOp = CliRun.inProcess("trace", "--backend", "x86_64", "--op", "copy", "--offset", "0", "--length", "4");
        assertThat(badOp.exit()).isEqualTo(2);
        assertThat(badOp.err().strip()).isEqualTo("iomem: --op copy is not one of copy-to-io, copy-from-io, fill, read, write, read-relaxed, write-relaxed");
        assertThat(CliRun.inProcess("trace", "--backend", "x86_64", "--op", "read", "--offset", "0", "--width", "3").exit()).isEqualTo(2);
        assertThat(CliRun.inProcess("trace", "--backend", "x86_64", "--op", "fill", "--offset", "0").err()).contains("needs --length");
        assertThat(CliRun.inProcess("trace", "--backend", "x86_64", "--op", "fill", "--offset", "0", "--length", "4", "--width", "4").exit()).isEqualTo(2);
        assertThat(CliRun.inProcess("trace", "--backend", "x86_64", "--op", "read", "--offset", "-1").exit()).isEqualTo(2);
        assertThat(CliRun.inProcess("trace", "--backend", "x86_64", "--op", "read", "--offset", "0", "--memory-type", "uc").exit()).isEqualTo(2);
        CliRun misaligned = CliRun.inProcess("trace", "--backend", "aarch64", "--op", "read", "--offset", "2", "--width", "4");
        assertThat(misaligned.exit()).isEqualTo(1);
        assertThat(misaligned.err().strip()).startsWith("iomem: misaligned 32-bit access at offset 0x2").doesNotContain("\n");
        CliRun unknown = CliRun.inProcess("trace", "--backend", "nonesuch", "--op", "read", "--offset", "0");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown backend \"nonesuch\"");
    }
}
