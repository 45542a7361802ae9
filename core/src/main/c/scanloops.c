/*
 * The two loops that read every word of a file's code, compiled by the host's C compiler at build
 * time (docs/performance.md, "Sixth round"): under the C1 compiler the tool runs with, each word
 * costs about four times what it costs here. They are pre-filters over one chunk of words that
 * Java has already copied out of the file (a copy that turns a file truncated under it into an
 * exception instead of a SIGBUS here); Java tests every word they return again, exactly, so a word
 * they return wrongly changes nothing. Missing one would, so NativeLoopsTest compares both ways
 * word for word. The Java loops stay, for hosts without a C compiler or this library.
 *
 * Words arrive as pairs in Java longs: word 2i is the low half of pair i, word 2i+1 the high half
 * (the words were read little-endian, as AArch64 instructions are, whatever this host's order).
 */
#include <jni.h>
#include <stdint.h>

/*
 * True when the arrays are as long as the loops will index them: n pairs, 2n results, a table of
 * at least tableLength entries. Java always passes such arrays; a call that did not would make
 * these loops read or write past them, so it gets -1 instead (and the Java loops run).
 */
static int fits(JNIEnv *env, jlongArray pairs, jint n, jarray table, jint tableLength,
                jintArray out) {
  return n >= 0 && n <= (*env)->GetArrayLength(env, pairs)
      && (*env)->GetArrayLength(env, out) / 2 >= n
      && (*env)->GetArrayLength(env, table) >= tableLength;
}

/* True when a page bitmap (or null) holds a bit for each of count pages. */
static int covers(JNIEnv *env, jlongArray pages, jlong count) {
  return pages == NULL || (count >= 0 && (*env)->GetArrayLength(env, pages) >= (count + 63) / 64);
}

static inline uint32_t word(const jlong *pairs, jint k) {
  uint64_t p = (uint64_t)pairs[k >> 1];
  return (uint32_t)(p >> ((k & 1) << 5)); /* no branch: the halves come at random */
}

/*
 * WordMatcher: indices of the words of n pairs whose top half-word is the 0xD53B prefix and whose
 * bits 5..15 are wanted; at most 2n of them go to out.
 */
JNIEXPORT jint JNICALL Java_dev_a64patch_core_scan_NativeLoops_find(
    JNIEnv *env, jclass cls, jlongArray pairsArray, jint n, jbooleanArray wantedArray,
    jintArray outArray) {
  (void)cls;
  if (!fits(env, pairsArray, n, wantedArray, 1 << 11, outArray)) return -1;
  jint count = 0;
  jlong *pairs = (*env)->GetPrimitiveArrayCritical(env, pairsArray, NULL);
  jboolean *wanted = (*env)->GetPrimitiveArrayCritical(env, wantedArray, NULL);
  jint *out = (*env)->GetPrimitiveArrayCritical(env, outArray, NULL);
  if (pairs != NULL && wanted != NULL && out != NULL) {
    for (jint i = 0; i < n; i++) {
      uint64_t p = (uint64_t)pairs[i];
      /* Both words at once: rarely either has the prefix. */
      if (((p >> 16) & 0xFFFF) != 0xD53B && (p >> 48) != 0xD53B) {
        continue;
      }
      for (jint half = 0; half < 2; half++) {
        uint32_t w = (uint32_t)(p >> (32 * half));
        if ((w >> 16) == 0xD53B && wanted[(w >> 5) & 0x7FF]) {
          out[count++] = 2 * i + half;
        }
      }
    }
  }
  if (out != NULL) (*env)->ReleasePrimitiveArrayCritical(env, outArray, out, 0);
  if (wanted != NULL) (*env)->ReleasePrimitiveArrayCritical(env, wantedArray, wanted, JNI_ABORT);
  if (pairs != NULL) (*env)->ReleasePrimitiveArrayCritical(env, pairsArray, pairs, JNI_ABORT);
  return pairs != NULL && wanted != NULL && out != NULL ? count : -1;
}

/* 1 when the page of address t is marked in pages (null: every page is). */
static inline jint marked(const jlong *pages, int64_t t, int64_t base, int64_t count) {
  if (pages == NULL) return 1;
  uint64_t page = ((uint64_t)t >> 16) - (uint64_t)base; /* below base wraps: out of range */
  uint64_t in = page < (uint64_t)count;
  uint64_t bits = (uint64_t)pages[(page >> 6) & -in];
  return (jint)(in & (bits >> (page & 63)));
}

/*
 * 1 when the page of address t is marked in pages or lies outside them: a short-range form's
 * target may touch a run's interval from just before the first page (a literal load 12 bytes
 * before code that starts a page).
 */
static inline jint markedOrOutside(const jlong *pages, int64_t t, int64_t base, int64_t count) {
  uint64_t page = ((uint64_t)t >> 16) - (uint64_t)base;
  return page >= (uint64_t)count || marked(pages, t, base, count);
}

/* The target of a short-range form at address at: imm14 words for TBZ/TBNZ, else imm19. */
static inline int64_t shortTarget(uint32_t w, int kind, int64_t at) {
  int64_t imm = kind == 5 ? (int32_t)(w << 13) >> 18 : (int32_t)(w << 8) >> 13;
  return at + imm * 4;
}

/* The target of a B or BL at address at: imm26 words. */
static inline int64_t branch26(uint32_t w, int64_t at) {
  return at + (int64_t)((int32_t)(w << 6) >> 6) * 4;
}

/* The address an ADR or ADRP at address at forms: immhi:immlo, in pages for ADRP. */
static inline int64_t adrTarget(uint32_t w, int64_t at) {
  int64_t imm = (int64_t)(((int32_t)(w << 8) >> 13) * 4) | ((w >> 29) & 3);
  return (w & 0x9F000000u) == 0x90000000u ? (at & ~(int64_t)0xFFF) + imm * 4096 : at + imm;
}

/* Words per block of pick: its four index lists (64 KiB) stay on the stack. */
#define BLOCK 4096

/*
 * The words in [first, end) that pick keeps, into out from count on; the new count. Branch
 * prediction decides the speed: about one word in five has a kind, at random, and the kinds come
 * mixed. So the first loop writes each word's index into two lists and advances each by a flag
 * from a table by top byte (isB: B or BL; isOther: another kind), with no branch; the second and
 * third test the lists' words, each with one form of target, where the page test rarely passes;
 * the few that do are merged in order. (The flags computed from the kind in the first loop made
 * it about three times slower than these tables, in a test program over the 140 MiB library.)
 */
static jint pickBlock(const jlong *pairs, jint first, jint end, int64_t pc, const jbyte *kinds,
                      const uint8_t *isB, const uint8_t *isOther, const jlong *target,
                      const jlong *source, int64_t base, int64_t pages, jint *out, jint count) {
  jint branches[BLOCK + 2], others[BLOCK + 2], keptB[BLOCK], keptO[BLOCK];
  jint mb = 0, mo = 0, nb = 0, no = 0;
  for (jint i = first >> 1; i < end >> 1; i++) {
    uint64_t p = (uint64_t)pairs[i];
    uint32_t low = (uint32_t)p >> 24, high = (uint32_t)(p >> 56);
    branches[mb] = 2 * i;
    others[mo] = 2 * i;
    mb += isB[low];
    mo += isOther[low];
    branches[mb] = 2 * i + 1;
    others[mo] = 2 * i + 1;
    mb += isB[high];
    mo += isOther[high];
  }
  for (jint j = 0; j < mb; j++) {
    jint k = branches[j];
    keptB[nb] = k;
    nb += marked(target, branch26(word(pairs, k), pc + 4 * (int64_t)k), base, pages);
  }
  for (jint j = 0; j < mo; j++) {
    jint k = others[j];
    uint32_t w = word(pairs, k);
    int64_t at = pc + 4 * (int64_t)k;
    int kind = kinds[w >> 24];
    keptO[no] = k;
    no += kind == 7 ? marked(target, adrTarget(w, at), base, pages)
                    : marked(source, at, base, pages) /* short-range forms: near a run */
                          && markedOrOutside(target, shortTarget(w, kind, at), base, pages);
  }
  for (jint a = 0, b = 0; a < nb || b < no;) {
    out[count++] = b >= no || (a < nb && keptB[a] < keptO[b]) ? keptB[a++] : keptO[b++];
  }
  return count;
}

/*
 * EvidenceIndex: indices of the words of n pairs (the first at address pc) that have a kind in
 * kinds (by top byte: 1 B, 2 BL, 7 ADR/ADRP, 3 to 6 the short-range forms) and pass its page
 * pre-test: a B or BL target, or an ADR/ADRP address, on a page marked in targetPages; a
 * short-range form's own address on a page marked in sourcePages, and its target on a page marked
 * in targetPages or outside the pages. Ascending; their number, or -1.
 */
JNIEXPORT jint JNICALL Java_dev_a64patch_core_scan_NativeLoops_pick(
    JNIEnv *env, jclass cls, jlongArray pairsArray, jint n, jlong pc, jbyteArray kindsArray,
    jlongArray targetArray, jlongArray sourceArray, jlong pageBase, jlong pageCount,
    jintArray outArray) {
  (void)cls;
  if (!fits(env, pairsArray, n, kindsArray, 256, outArray) || !covers(env, targetArray, pageCount)
      || !covers(env, sourceArray, pageCount)) {
    return -1;
  }
  jint count = 0;
  jlong *pairs = (*env)->GetPrimitiveArrayCritical(env, pairsArray, NULL);
  jbyte *kinds = (*env)->GetPrimitiveArrayCritical(env, kindsArray, NULL);
  jlong *target =
      targetArray == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, targetArray, NULL);
  jlong *source =
      sourceArray == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, sourceArray, NULL);
  jint *out = (*env)->GetPrimitiveArrayCritical(env, outArray, NULL);
  int ok = pairs != NULL && kinds != NULL && out != NULL && (targetArray == NULL) == (target == NULL)
      && (sourceArray == NULL) == (source == NULL);
  uint8_t isB[256], isOther[256];
  for (int top = 0; ok && top < 256; top++) {
    isB[top] = kinds[top] == 1 || kinds[top] == 2;
    isOther[top] = kinds[top] > 2;
  }
  for (jint first = 0; ok && first < 2 * n; first += BLOCK) {
    jint end = 2 * n - first < BLOCK ? 2 * n : first + BLOCK;
    count = pickBlock(pairs, first, end, pc, kinds, isB, isOther, target, source, pageBase,
                      pageCount, out, count);
  }
  if (out != NULL) (*env)->ReleasePrimitiveArrayCritical(env, outArray, out, 0);
  if (source != NULL) (*env)->ReleasePrimitiveArrayCritical(env, sourceArray, source, JNI_ABORT);
  if (target != NULL) (*env)->ReleasePrimitiveArrayCritical(env, targetArray, target, JNI_ABORT);
  if (kinds != NULL) (*env)->ReleasePrimitiveArrayCritical(env, kindsArray, kinds, JNI_ABORT);
  if (pairs != NULL) (*env)->ReleasePrimitiveArrayCritical(env, pairsArray, pairs, JNI_ABORT);
  return ok ? count : -1;
}
