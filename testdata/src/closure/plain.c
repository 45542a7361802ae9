/* libplain.so: no counter reads; found through $ORIGIN of the executable that needs it, so a
 * patched copy of that executable must still find it. */
__attribute__((visibility("default"), noinline)) int cl_plain(void) { return 42; }
