/* Needs libnothere.so, which no search path holds: prepare reports it with the paths tried. */
int cl_nothere(void);
int main(void) { return cl_nothere(); }
