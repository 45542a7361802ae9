/* Only linked against (so missing-prog records DT_NEEDED libnothere.so); never installed. */
__attribute__((visibility("default"))) int cl_nothere(void) { return 0; }
