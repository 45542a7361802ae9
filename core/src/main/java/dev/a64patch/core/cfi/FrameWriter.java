package dev.a64patch.core.cfi;

import static dev.a64patch.core.cfi.Dwarf.*;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Encodes a new {@code .eh_frame}: one CIE per PAC key (augmentation "zR", or "zRB" for the B key;
 * code alignment 4, data alignment -8, return address in x30, CFA = SP at entry), then one FDE per
 * trampoline whose program states the first row in full and each later row as a difference, then a
 * zero terminator. FDE addresses are pc-relative sdata4, so the bytes depend on where they are
 * loaded only through those fields, and the size not at all.
 */
public final class FrameWriter {
  static final int CODE_ALIGN = 4;
  static final int DATA_ALIGN = -8;
  static final int FDE_ENCODING = PE_PCREL | PE_SDATA4;

  /** The frame of one trampoline: its range and its rows (one per location, in order). */
  public record Frame(long start, long length, List<Row> rows, boolean bKey) {}

  private final boolean littleEndian;

  public FrameWriter(boolean littleEndian) {
    this.littleEndian = littleEndian;
  }

  /** The whole section for {@code frames}, loaded at {@code vaddr}. */
  public Encoded encode(long vaddr, List<Frame> frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long[] cieAt = new long[2];
    for (int key = 0; key < 2; key++) {
      boolean b = key == 1;
      if (frames.stream().anyMatch(f -> f.bKey() == b)) {
        cieAt[key] = vaddr + out.size();
        out.writeBytes(cie(b));
      }
    }
    long[] fdeAt = new long[frames.size()];
    for (int i = 0; i < frames.size(); i++) {
      Frame f = frames.get(i);
      fdeAt[i] = vaddr + out.size();
      out.writeBytes(fde(fdeAt[i], cieAt[f.bKey() ? 1 : 0], f));
    }
    out.writeBytes(new byte[4]); // terminator
    return new Encoded(out.toByteArray(), fdeAt);
  }

  /** The encoded section and the address of each frame's FDE. */
  public record Encoded(byte[] bytes, long[] fdeAddresses) {}

  private byte[] cie(boolean bKey) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(1); // version
    body.writeBytes((bKey ? "zRB" : "zR").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    body.write(0);
    uleb(body, CODE_ALIGN);
    sleb(body, DATA_ALIGN);
    uleb(body, X30);
    uleb(body, 1); // augmentation data: the FDE encoding
    body.write(FDE_ENCODING);
    body.write(CFA_DEF_CFA);
    uleb(body, SP);
    uleb(body, 0);
    return entry(0, body.toByteArray());
  }

  private byte[] fde(long at, long cie, Frame f) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    long pcField = at + 8;
    body.writeBytes(int32(EhFrameHdr.sdata4(f.start() - pcField)));
    body.writeBytes(int32(EhFrameHdr.sdata4(f.length())));
    uleb(body, 0); // no augmentation data
    Row previous = null;
    for (Row r : f.rows()) {
      if (previous == null) {
        body.writeBytes(full(r));
      } else if (!r.sameRules(previous)) {
        advance(body, r.loc() - previous.loc());
        body.writeBytes(difference(previous, r));
      } else {
        continue;
      }
      previous = r;
    }
    long ciePointer = at + 4 - cie;
    return entry(ciePointer, body.toByteArray());
  }

  /** Length, id (0 or the CIE pointer), body, padded with DW_CFA_nop to 8 bytes. */
  private byte[] entry(long id, byte[] body) {
    int unpadded = 4 + 4 + body.length;
    int length = (unpadded + 7) / 8 * 8 - 4;
    ByteBuffer b =
        ByteBuffer.allocate(length + 4)
            .order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    b.putInt(length).putInt((int) id).put(body);
    return b.array();
  }

  private byte[] int32(int v) {
    return ByteBuffer.allocate(4)
        .order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN)
        .putInt(v)
        .array();
  }

  private static void advance(ByteArrayOutputStream b, long bytes) {
    long units = bytes / CODE_ALIGN;
    if (bytes % CODE_ALIGN != 0 || units <= 0) {
      throw new IllegalArgumentException("row advance of " + bytes + " bytes");
    }
    if (units < 0x40) {
      b.write(CFA_ADVANCE_LOC | (int) units);
    } else if (units <= 0xff) {
      b.write(CFA_ADVANCE_LOC1);
      b.write((int) units);
    } else {
      // Trampolines are far shorter than 1 KiB; a longer advance would need the file's byte order.
      throw new IllegalArgumentException("row advance of " + bytes + " bytes");
    }
  }

  /** The CIE's row is CFA = SP + 0, no register rules, return address not signed. */
  private static byte[] full(Row r) {
    Row cie = new Row(r.loc(), Cfa.of(SP, 0), Map.of(), false);
    return difference(cie, r);
  }

  private static byte[] difference(Row from, Row to) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    if (!from.cfa().equals(to.cfa())) {
      cfa(b, from.cfa(), to.cfa());
    }
    TreeSet<Integer> regs = new TreeSet<>(from.rules().keySet());
    regs.addAll(to.rules().keySet());
    for (int reg : regs) {
      Rule a = from.rules().get(reg);
      Rule r = to.rules().get(reg);
      if (Objects.equals(a, r)) {
        continue;
      }
      if (r == null) {
        b.write(CFA_RESTORE_EXTENDED);
        uleb(b, reg);
      } else {
        rule(b, reg, r);
      }
    }
    if (from.raSigned() != to.raSigned()) {
      b.write(CFA_AARCH64_NEGATE_RA_STATE);
    }
    return b.toByteArray();
  }

  private static void cfa(ByteArrayOutputStream b, Cfa from, Cfa to) {
    if (to.isExpression()) {
      b.write(CFA_DEF_CFA_EXPRESSION);
      block(b, to.expression());
    } else if (to.offset() < 0) {
      b.write(CFA_DEF_CFA_SF);
      uleb(b, to.register());
      sleb(b, factored(to.offset(), "CFA offset"));
    } else if (!from.isExpression() && from.register() == to.register()) {
      b.write(CFA_DEF_CFA_OFFSET);
      uleb(b, to.offset());
    } else {
      b.write(CFA_DEF_CFA);
      uleb(b, to.register());
      uleb(b, to.offset());
    }
  }

  private static void rule(ByteArrayOutputStream b, int reg, Rule r) {
    if (r instanceof Rule.Undefined) {
      b.write(CFA_UNDEFINED);
      uleb(b, reg);
    } else if (r instanceof Rule.SameValue) {
      b.write(CFA_SAME_VALUE);
      uleb(b, reg);
    } else if (r instanceof Rule.Offset o) {
      if (o.offset() % DATA_ALIGN != 0) {
        rule(b, reg, new Rule.Expression(cfaPlus(o.offset())));
        return;
      }
      b.write(CFA_OFFSET_EXTENDED_SF);
      uleb(b, reg);
      sleb(b, o.offset() / DATA_ALIGN);
    } else if (r instanceof Rule.ValOffset o) {
      if (o.offset() % DATA_ALIGN != 0) {
        rule(b, reg, new Rule.ValExpression(cfaPlus(o.offset())));
        return;
      }
      b.write(CFA_VAL_OFFSET_SF);
      uleb(b, reg);
      sleb(b, o.offset() / DATA_ALIGN);
    } else if (r instanceof Rule.Register x) {
      b.write(CFA_REGISTER);
      uleb(b, reg);
      uleb(b, x.register());
    } else if (r instanceof Rule.Expression x) {
      b.write(CFA_EXPRESSION);
      uleb(b, reg);
      block(b, x.expression());
    } else if (r instanceof Rule.ValExpression x) {
      b.write(CFA_VAL_EXPRESSION);
      uleb(b, reg);
      block(b, x.expression());
    }
  }

  /** An expression evaluated with the CFA already pushed: CFA + offset. */
  private static byte[] cfaPlus(long offset) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(OP_CONSTS);
    sleb(b, offset);
    b.write(OP_PLUS);
    return b.toByteArray();
  }

  private static long factored(long v, String what) {
    if (v % DATA_ALIGN != 0) {
      throw new IllegalArgumentException(what + " " + v + " is not a multiple of 8");
    }
    return v / DATA_ALIGN;
  }

  private static void block(ByteArrayOutputStream b, byte[] bytes) {
    uleb(b, bytes.length);
    b.writeBytes(bytes);
  }

  static void uleb(ByteArrayOutputStream b, long v) {
    do {
      int x = (int) (v & 0x7f);
      v >>>= 7;
      b.write(v != 0 ? x | 0x80 : x);
    } while (v != 0);
  }

  static void sleb(ByteArrayOutputStream b, long v) {
    while (true) {
      int x = (int) (v & 0x7f);
      v >>= 7;
      boolean done = (v == 0 && (x & 0x40) == 0) || (v == -1 && (x & 0x40) != 0);
      b.write(done ? x : x | 0x80);
      if (done) return;
    }
  }
}
