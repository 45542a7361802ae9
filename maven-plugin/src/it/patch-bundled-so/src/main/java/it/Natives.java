package it;

/** Where a JNI loader would find the bundled library for this machine. */
public final class Natives {
    private Natives() {}

    public static String resource() {
        return "/lib/linux-" + System.getProperty("os.arch").replace("amd64", "x86_64") + "/libcounters.so";
    }
}
