package dev.a64patch.core.patch;

import dev.a64patch.core.Names;
import dev.a64patch.core.encode.Asm;
import dev.a64patch.core.encode.Insn;
import dev.a64patch.core.scan.SysReg;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The code each patched read branches to (docs/design.md section 7). On exit Xt holds the value,
 * every other general register, SP, NZCV (except for RNDR, which defines it), FP/SIMD registers and
 * LR are as on entry, and control continues at site+4. The stack is used only after SP has been
 * lowered by a multiple of 16, so a signal arriving at any instruction finds the saved registers
 * above its frame. No LL/SC: rr refuses programs that use them.
 */
public final class Trampolines {
  /** Offsets inside the RW data block of a patched object. */
  public static final int COUNTER_OFFSET = 0;

  public static final int RNDR_SEQUENCE_OFFSET = 8;

  /**
   * The slot the dynamic linker fills with the address of the process's shared clock ({@link
   * ClockLibrary#SYMBOL}), or leaves 0 when nothing defines it.
   */
  public static final int CLOCK_SLOT_OFFSET = 16;

  public static final int DATA_SIZE = 24;

  /**
   * Initial value of the virtual counter: above 2^32, so "0 means unset" logic is never fooled, and
   * odd, so that code keeping only the low 32 bits never reads 0 with an even step.
   */
  public static final long COUNTER_START = (1L << 32) + 1;

  static final int CLOCK_MONOTONIC = 1;
  static final int SYS_CLOCK_GETTIME = 113;
  static final int SYS_GETRANDOM = 278;
  static final long NANOS_PER_SECOND = 1_000_000_000L;
  static final long SCRAMBLE = 0x9E3779B97F4A7C15L; // odd, so multiplication is a bijection

  /**
   * Registers a raw svc may clobber: x0 (result), arguments, x8, and those rr's syscall hooks use.
   */
  private static final int[][] SVC_SAVED = {{0, 1}, {2, 8}, {15, 16}, {17, 30}};

  private Trampolines() {}

  /** The RW data block as the file holds it before the program runs. */
  static byte[] initialData() {
    ByteBuffer d = ByteBuffer.allocate(DATA_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    d.putLong(COUNTER_OFFSET, COUNTER_START);
    d.putLong(RNDR_SEQUENCE_OFFSET, 1);
    return d.array();
  }

  /** What a trampoline computes. */
  public enum Kind {
    COUNTER(true),
    /** COUNTER on the process's shared clock when the slot is set, else on the object's own. */
    SHARED_COUNTER(true),
    CLOCK(false),
    CONSTANT(false),
    RNDR_SEQUENCE(true),
    RNDR_GETRANDOM(false);

    private final boolean usesData;

    Kind(boolean usesData) {
      this.usesData = usesData;
    }

    /** True when the trampoline updates the object's RW data block. */
    public boolean usesData() {
      return usesData;
    }

    /** The external name, in the manifest ({@link Names}): {@code shared-counter}. */
    public String id() {
      return Names.id(this);
    }

    /**
     * Also reads {@code SHARED_COUNTER}, as manifests written before the one vocabulary spell it.
     */
    public static Kind parse(String s) {
      return Names.parse(Kind.class, s);
    }
  }

  /**
   * The trampoline for a read of {@code register} into {@code rt}, or null when the read needs
   * none.
   */
  public static Kind kindFor(SysReg register, PatchOptions options) {
    return switch (register.kind()) {
      case COUNTER ->
          switch (options.strategy()) {
            case COUNTER -> Kind.COUNTER;
            case CLOCK -> Kind.CLOCK;
            default -> null;
          };
      case FREQUENCY -> Kind.CONSTANT;
      case RANDOM ->
          options.rndr() == RndrMode.GETRANDOM ? Kind.RNDR_GETRANDOM : Kind.RNDR_SEQUENCE;
      case PMU -> null;
    };
  }

  /**
   * Encodes the trampoline at {@code at} for a read into {@code rt} (0..30) at {@code site}.
   *
   * @param data address of the object's RW data block (unused by kinds that need none)
   */
  public static List<Insn> encode(
      Kind kind, int rt, long site, long at, long data, PatchOptions options) {
    return encodeReturningTo(kind, rt, site + 4, at, data, options);
  }

  /**
   * As {@link #encode}, ending with a branch to {@code back}: site + 4, or the first island on the
   * way back to it (docs/design.md, section 10).
   */
  public static List<Insn> encodeReturningTo(
      Kind kind, int rt, long back, long at, long data, PatchOptions options) {
    Asm a = new Asm(at);
    body(a, kind, rt, data, options);
    a.b(back);
    return a.code();
  }

  /**
   * The trampoline a far site reaches through a long island (docs/design.md, section 10): entered
   * by {@code BR} (so it starts with the BTI landing pad) with SP lowered by 16 and the scratch
   * register ({@link #scratch}) saved at [SP], it computes the value as any trampoline and leaves
   * by {@code BR} to the island at {@code back}, which restores both and branches to site + 4.
   */
  public static List<Insn> encodeFar(
      Kind kind, int rt, long back, long at, long data, PatchOptions options) {
    Asm a = new Asm(at).btiJ();
    body(a, kind, rt, data, options);
    int s = scratch(rt);
    return a.address(s, back).br(s).code();
  }

  private static void body(Asm a, Kind kind, int rt, long data, PatchOptions options) {
    if (rt < 0 || rt > 30) {
      throw new IllegalArgumentException("reads into xzr are replaced by nop, not a trampoline");
    }
    switch (kind) {
      case COUNTER -> counter(a, rt, data + COUNTER_OFFSET, options.step());
      case SHARED_COUNTER ->
          sharedCounter(a, rt, data + CLOCK_SLOT_OFFSET, data + COUNTER_OFFSET, options.step());
      case CLOCK -> clock(a, rt, options.frequency());
      case CONSTANT -> a.constant(rt, options.frequency());
      case RNDR_SEQUENCE -> rndrSequence(a, rt, data + RNDR_SEQUENCE_OFFSET);
      case RNDR_GETRANDOM -> rndrGetrandom(a, rt);
    }
  }

  /** Size in bytes of a trampoline entered through a long island ({@link #encodeFar}). */
  public static int farSize(Kind kind, int rt, PatchOptions options) {
    return shapeWords(true, kind, rt, options).size() * 4;
  }

  /** Size in bytes, which depends only on the kind and the constants, never on addresses. */
  public static int size(Kind kind, int rt, PatchOptions options) {
    return shapeWords(false, kind, rt, options).size() * 4;
  }

  /**
   * The words of a trampoline of this shape (entered through a long island or not, kind, register),
   * encoded at placeholder addresses: for what does not depend on addresses, its size and its stack
   * use (the unwind tables). One list, shared by every trampoline of the shape.
   */
  static List<Integer> shapeWords(
      boolean throughLongIsland, Kind kind, int rt, PatchOptions options) {
    return Shapes.of(options).words(throughLongIsland, kind, rt);
  }

  /**
   * The shapes' words found so far for the last options asked about: a plan asks for every
   * trampoline's size three times and for its stack use once, and each answer was an encoding, a
   * fifth of the time of a plan of 8,000 sites; the unwind tables kept a dozen boxed words per site
   * (docs/performance.md, "Ninth round", "Many sites"). An entry is null until found; two threads
   * that both find one store equal immutable lists.
   */
  private static final class Shapes {
    private static Shapes last;
    private final PatchOptions options;
    private final AtomicReferenceArray<List<Integer>> near = slots();
    private final AtomicReferenceArray<List<Integer>> far = slots();

    private Shapes(PatchOptions options) {
      this.options = options;
    }

    private static AtomicReferenceArray<List<Integer>> slots() {
      return new AtomicReferenceArray<>(Kind.values().length * 32);
    }

    static synchronized Shapes of(PatchOptions options) {
      if (last == null || last.options != options) {
        last = new Shapes(options);
      }
      return last;
    }

    /** The words of the trampoline, entered through a long island or not; encoded once. */
    List<Integer> words(boolean throughLongIsland, Kind kind, int rt) {
      AtomicReferenceArray<List<Integer>> known = throughLongIsland ? far : near;
      int i = index(kind, rt);
      List<Integer> found = i >= 0 ? known.get(i) : null;
      if (found != null) {
        return found;
      }
      List<Insn> code =
          throughLongIsland
              ? encodeFar(kind, rt, 0x10000, 0x20000, 0x30000, options)
              : encode(kind, rt, 0x10000, 0x20000, 0x30000, options);
      List<Integer> words = List.copyOf(code.stream().map(Insn::word).toList());
      if (i >= 0) {
        known.set(i, words);
      }
      return words;
    }

    /** Where the size of this kind and register is kept; -1 for a register out of range. */
    static int index(Kind kind, int rt) {
      return rt < 0 || rt > 31 ? -1 : kind.ordinal() * 32 + rt;
    }
  }

  /**
   * The register a trampoline borrows (saved on the stack first): x16, or x17 for reads into x16.
   */
  static int scratch(int rt) {
    return rt == 16 ? 17 : 16;
  }

  /** xt = counter; counter += step (one LSE atomic, so threads never see the same value). */
  private static void counter(Asm a, int rt, long counter, long step) {
    int s = scratch(rt);
    a.subSp(16)
        .str(s, 0)
        .address(s, counter)
        .constant(rt, step)
        .ldadd(rt, rt, s)
        .ldr(s, 0)
        .addSp(16);
  }

  /**
   * xt = *clock; *clock += step, where clock is the shared counter whose address the dynamic linker
   * put in the slot, or the object's own counter when the slot is 0. CBNZ leaves NZCV alone.
   */
  private static void sharedCounter(Asm a, int rt, long slot, long own, long step) {
    int s = scratch(rt);
    a.subSp(16).str(s, 0).load(s, slot);
    a.cbnz(s, a.pc() + 12).address(s, own);
    a.constant(rt, step).ldadd(rt, rt, s).ldr(s, 0).addSp(16);
  }

  /** xt = CLOCK_MONOTONIC as ticks of {@code frequency}: sec * f + nsec * f / 1e9. */
  private static void clock(Asm a, int rt, long frequency) {
    int frame = 96;
    int ts = 64;
    int result = 80;
    a.subSp(frame);
    save(a);
    a.constant(0, CLOCK_MONOTONIC)
        .addFromSp(1, ts)
        .constant(8, SYS_CLOCK_GETTIME)
        .svc0()
        .ldp(0, 1, ts);
    if (frequency == NANOS_PER_SECOND) {
      a.constant(8, NANOS_PER_SECOND).mul(0, 0, 8);
    } else {
      a.constant(8, frequency)
          .mul(0, 0, 8)
          .mul(1, 1, 8)
          .constant(8, NANOS_PER_SECOND)
          .udiv(1, 1, 8);
    }
    a.add(0, 0, 1).str(0, result);
    restore(a);
    a.ldr(rt, result).addSp(frame);
  }

  /** xt = n * SCRAMBLE for n = 1, 2, ...; NZCV = 0000 as after a successful RNDR. */
  private static void rndrSequence(Asm a, int rt, long sequence) {
    int s = scratch(rt);
    a.subSp(16)
        .str(s, 0)
        .address(s, sequence)
        .constant(rt, 1)
        .ldadd(rt, rt, s)
        .constant(s, SCRAMBLE)
        .mul(rt, rt, s)
        .ldr(s, 0)
        .addSp(16)
        .clearNzcv();
  }

  /** xt = 8 bytes from getrandom(2); NZCV = 0000. */
  private static void rndrGetrandom(Asm a, int rt) {
    int frame = 80;
    int buffer = 64;
    a.subSp(frame);
    save(a);
    a.addFromSp(0, buffer).constant(1, 8).constant(2, 0).constant(8, SYS_GETRANDOM).svc0();
    restore(a);
    a.ldr(rt, buffer).addSp(frame).clearNzcv();
  }

  private static void save(Asm a) {
    for (int i = 0; i < SVC_SAVED.length; i++) {
      a.stp(SVC_SAVED[i][0], SVC_SAVED[i][1], 16 * i);
    }
  }

  private static void restore(Asm a) {
    for (int i = 0; i < SVC_SAVED.length; i++) {
      a.ldp(SVC_SAVED[i][0], SVC_SAVED[i][1], 16 * i);
    }
  }
}
