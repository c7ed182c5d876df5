package dev.iomem.arch.x86;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The routines' bytes as binutils reads them: {@code objdump} disassembles each to exactly the
 * text of its listing in {@link X86CopyRoutines}, and {@link CompiledCodeTest}'s scanner finds
 * no SIMD memory access and no string move in them.
 */
@DisplayName("The x86-64 copy routines' bytes, disassembled by objdump")
class X86CopyRoutinesDisassemblyTest {

    @BeforeAll
    static void objdump() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/objdump")), "objdump (binutils) is needed");
    }

    /** {@return the listing's lines as objdump would print them: bytes, a bar, the instruction} */
    private static List<String> normalized(List<String> listing) {
        List<String> out = new ArrayList<>();
        for (String line : listing) {
            int bar = line.indexOf('|');
            out.add(line.substring(0, bar).strip() + " | " + line.substring(bar + 1).strip().replaceAll("\\s+", " "));
        }
        return out;
    }

    /** {@return objdump's reading of {@code code}, one "bytes | instruction" line per instruction} */
    static List<String> disassembly(Path dir, byte[] code) throws IOException, InterruptedException {
        Path bin = Files.createTempFile(dir, "routine", ".bin");
        Files.write(bin, code);
        Process od = new ProcessBuilder("/usr/bin/objdump", "-D", "-b", "binary", "-mi386:x86-64", bin.toString())
                .redirectErrorStream(true).start();
        String asm = new String(od.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(od.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> out = new ArrayList<>();
        for (String line : asm.split("\n")) {
            String[] cols = line.split("\t");
            if (cols.length < 3 || !cols[0].strip().matches("[0-9a-f]+:")) continue;
            out.add(cols[1].strip() + " | " + cols[2].strip().replaceAll("\\s+", " "));
        }
        return out;
    }

    @Test
    @DisplayName("each routine disassembles to exactly its listing, instruction by instruction")
    void matchesListing(@TempDir Path dir) throws IOException, InterruptedException {
        assertThat(disassembly(dir, X86CopyRoutines.TO_IO)).containsExactlyElementsOf(normalized(X86CopyRoutines.TO_IO_LISTING));
        assertThat(disassembly(dir, X86CopyRoutines.FROM_IO)).containsExactlyElementsOf(normalized(X86CopyRoutines.FROM_IO_LISTING));
        assertThat(disassembly(dir, X86CopyRoutines.FILL_IO)).containsExactlyElementsOf(normalized(X86CopyRoutines.FILL_IO_LISTING));
    }

    @Test
    @DisplayName("no routine holds a SIMD memory access, a string move or an 8-byte memory access")
    void noSimdNoStringMoves(@TempDir Path dir) throws IOException, InterruptedException {
        for (byte[] code : List.of(X86CopyRoutines.TO_IO, X86CopyRoutines.FROM_IO, X86CopyRoutines.FILL_IO)) {
            assertThat(CompiledCodeTest.violations(dir, code)).isEmpty();
            assertThat(disassembly(dir, code)).as("no 64-bit register moved to or from memory")
                    .noneMatch(l -> l.matches(".*\\| mov %r\\w+,\\(.*") || l.matches(".*\\| mov \\(.*\\),%r\\w+"));
        }
    }

    @Test
    @DisplayName("the checks fail on a listing that disagrees with its bytes and on a routine with rep stosl")
    void canFail(@TempDir Path dir) throws IOException, InterruptedException {
        List<String> wrong = new ArrayList<>(X86CopyRoutines.TO_IO_LISTING);
        wrong.set(0, "48 01 f7            | add    %rdi,%rsi");
        assertThat(disassembly(dir, X86CopyRoutines.bytesOf(wrong))).isNotEqualTo(normalized(wrong));
        byte[] withStos = X86CopyRoutines.FILL_IO.clone();
        withStos[0x47] = (byte) 0xf3; // rep stos %eax,%es:(%rdi) in place of the body store
        withStos[0x48] = (byte) 0xab;
        assertThat(CompiledCodeTest.violations(dir, withStos)).isNotEmpty();
        assertThat(disassembly(dir, java.util.HexFormat.of().parseHex("48893407c3")))
                .anyMatch(l -> l.matches(".*\\| mov %r\\w+,\\(.*"));
    }
}
