package dev.a64patch.core.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.a64patch.testing.CapstoneOracle;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code verify} compares Capstone's decoding of every trampoline word with the text {@link Asm}
 * recorded for it, so every {@link Insn} the builder can produce must carry exactly the text
 * Capstone prints for its word at its pc.
 */
class AsmTextTest {
    private static CapstoneOracle capstone;

    @BeforeAll
    static void open() {
        capstone = CapstoneOracle.open();
    }

    @AfterAll
    static void close() {
        if (capstone != null) {
            capstone.close();
        }
    }

    /** The single instruction {@code build} emits at 0x1000 has text {@code expected}, and Capstone agrees. */
    private static void assertText(String expected, Consumer<Asm> build) {
        Asm a = new Asm(0x1000);
        build.accept(a);
        List<Insn> code = a.code();
        assertEquals(1, code.size());
        assertEquals(expected, capstone.decode(code.get(0).word(), 0x1000), "Capstone");
        assertEquals(expected, code.get(0).text(), "Asm");
    }

    // Reproducers: each of these texts used to differ from Capstone's, so verify would have
    // reported a correct trampoline as corrupt had one used the form.

    @Test
    void negativePairOffsetsPrintSigned() {
        assertText("stp x0, x1, [sp, #-0x10]", a -> a.stp(0, 1, -16));
        assertText("ldp x2, x3, [sp, #-8]", a -> a.ldp(2, 3, -8));
        assertText("stp x29, x30, [sp, #-0x200]", a -> a.stp(29, 30, -512));
    }

    @Test
    void addSpZeroPrintsAsMovSpSp() {
        assertText("mov sp, sp", a -> a.addSp(0));
    }

    @Test
    void addFromSpIntoRegister31NamesSp() {
        assertText("add sp, sp, #0x10", a -> a.addFromSp(31, 16));
        assertText("mov sp, sp", a -> a.addFromSp(31, 0));
    }

    @Test
    void ldaddBaseRegister31IsSp() {
        assertText("ldadd x1, x2, [sp]", a -> a.ldadd(1, 2, 31));
    }

    @Test
    void ldaddIntoXzrPrintsAsStadd() {
        assertText("stadd x1, [x3]", a -> a.ldadd(1, 31, 3));
        assertText("stadd xzr, [sp]", a -> a.ldadd(31, 31, 31));
    }

    /**
     * Reproducer: address(31, a) emitted ADRP XZR (a no-op) then ADD with Rd = Rn = 31, which is
     * {@code add sp, sp, #lo12}: it moved the stack pointer, while its text said xzr.
     */
    @Test
    void addressIntoRegister31WouldMoveSp() {
        assertEquals(0x910103FF, A64.addImm(31, 31, 0x40, false), "ADD immediate reads 31 as SP");
        assertEquals("add sp, sp, #0x40", capstone.decode(0x910103FF, 0x1000));
        assertThrows(IllegalArgumentException.class, () -> new Asm(0x1000).address(31, 0x5040));
    }
}
