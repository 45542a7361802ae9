package it;

public final class Hello {
    private Hello() {}

    public static String greeting() {
        return "hello";
    }
}
