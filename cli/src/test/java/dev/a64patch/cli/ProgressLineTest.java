package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
  static final long MS = 1_000_000L;

  @Test
  void silentDuringTheFirstSecondThenOneRewrittenLineWipedAtTheEnd() {
    StringWriter out = new StringWriter();
    AtomicLong now = new AtomicLong(0);
    ProgressLine p = new ProgressLine(new PrintWriter(out), 60, now::get);
    p.started(3);
    p.scanned("a.so", 1, 3);
    now.set(500 * MS);
    p.scanned("b.so", 2, 3);
    assertEquals("", out.toString(), "short runs print nothing");
    now.set(1200 * MS);
    p.scanned("some/rather/long/path/that/does/not/fit/in/sixty/columns/libc.so", 3, 3);
    String drawn = out.toString();
    assertTrue(drawn.startsWith("\r[3/3] 100% some/rather/long"), drawn);
    assertTrue(drawn.endsWith("..."), drawn);
    assertEquals(
        1 + 59, drawn.length(), "\\r, then cut to the terminal width less one column: " + drawn);
    p.finished();
    assertTrue(out.toString().endsWith("\r" + " ".repeat(59) + "\r"), "wiped: " + out);
  }

  @Test
  void redrawsAtMostTenTimesASecond() {
    StringWriter out = new StringWriter();
    AtomicLong now = new AtomicLong(2000 * MS);
    ProgressLine p = new ProgressLine(new PrintWriter(out), 80, () -> now.get() - 2000 * MS + 0);
    now.set(3100 * MS);
    for (int i = 1; i < 100; i++) {
      p.scanned("f" + i, i, 1000);
    }
    assertEquals(1, out.toString().chars().filter(c -> c == '\r').count(), out.toString());
  }

  @Test
  void quietWhenStderrIsNotATerminal() {
    // Under Maven, stderr is a pipe or a file; A64PATCH_PROGRESS is not set by the build.
    assertFalse(ProgressLine.stderrIsTerminal());
  }

  @Test
  void aShortRunStaysSilentEvenWhenFinished() {
    StringWriter out = new StringWriter();
    ProgressLine p = new ProgressLine(new PrintWriter(out), 80, () -> 0L);
    p.walking(256);
    p.scanned("x", 1, 1);
    p.finished();
    assertEquals("", out.toString());
  }
}
