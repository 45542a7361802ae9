package dev.a64patch.core.patch;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The manifest's JSON: records of strings, integers, booleans, enums (by name), lists and records,
 * written and read by following the record components, so that a field added to a manifest record
 * is written and read without more code. It writes what Jackson's record serialisation wrote for
 * the manifest before it (the compact form for the checksum, the two-space pretty form in the
 * file), byte for byte, so that manifests already written keep their checksums. It reads strictly:
 * an unknown or missing key, a fraction or a number where an integer or a string belongs, a string
 * where a number belongs, a duplicate key or anything after the document is an error naming the
 * field. It exists so that patch, restore and verify do not pay for setting up a data-binding
 * library on every run (docs/performance.md).
 */
final class ManifestJson {
  private ManifestJson() {}

  /** A value that cannot be read; {@code path} names the field ("sites[3].offset"). */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;
    final String path;

    Invalid(String path, String reason) {
      super(reason);
      this.path = path;
    }
  }

  // ---- writing -------------------------------------------------------------------------------

  static byte[] compact(Record r) {
    StringBuilder out = new StringBuilder(4096);
    write(out, r, false, 0);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Jackson's default pretty printer: objects indented by two spaces, arrays inline. */
  static byte[] pretty(Record r) {
    StringBuilder out = new StringBuilder(8192);
    write(out, r, true, 0);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void write(StringBuilder out, Object v, boolean pretty, int depth) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof String s) {
      string(out, s, !pretty);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Boolean) {
      out.append(v);
    } else if (v instanceof Enum<?> e) {
      string(out, e.name(), !pretty);
    } else if (v instanceof List<?> list) {
      array(out, list, pretty, depth);
    } else if (v instanceof Record r) {
      object(out, r, pretty, depth);
    } else {
      throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
    }
  }

  private static void array(StringBuilder out, List<?> list, boolean pretty, int depth) {
    if (list.isEmpty()) {
      out.append(pretty ? "[ ]" : "[]");
      return;
    }
    out.append(pretty ? "[ " : "[");
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        out.append(pretty ? ", " : ",");
      }
      write(out, list.get(i), pretty, depth);
    }
    out.append(pretty ? " ]" : "]");
  }

  private static void object(StringBuilder out, Record r, boolean pretty, int depth) {
    RecordComponent[] fields = r.getClass().getRecordComponents();
    if (fields.length == 0) {
      out.append(pretty ? "{ }" : "{}");
      return;
    }
    out.append('{');
    boolean first = true;
    for (int i = 0; i < fields.length; i++) {
      if (omitted(fields[i], get(r, fields[i]))) {
        continue;
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      if (pretty) {
        out.append('\n').append("  ".repeat(depth + 1));
      }
      string(out, fields[i].getName(), !pretty);
      out.append(pretty ? " : " : ":");
      write(out, get(r, fields[i]), pretty, depth + 1);
    }
    if (pretty) {
      out.append('\n').append("  ".repeat(depth));
    }
    out.append('}');
  }

  /**
   * A list marked {@code @JsonInclude(NON_EMPTY)} is left out while empty (as Jackson did), so that
   * a field added that way keeps older manifests' bytes, and with them their checksums; reading
   * takes its absence as the empty list.
   */
  private static boolean omittable(RecordComponent c) {
    // @JsonInclude does not target record components: javac puts it on the accessor (and field).
    JsonInclude include = c.getAccessor().getAnnotation(JsonInclude.class);
    return include != null
        && include.value() == JsonInclude.Include.NON_EMPTY
        && List.class.isAssignableFrom(c.getType());
  }

  private static boolean omitted(RecordComponent c, Object value) {
    return omittable(c) && (value == null || ((List<?>) value).isEmpty());
  }

  private static Object get(Record r, RecordComponent c) {
    try {
      return c.getAccessor().invoke(r);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass(), e);
    }
  }

  /**
   * Escapes as Jackson did: quote, backslash and control characters; the rest as UTF-8, except that
   * its byte writer (the compact form) wrote characters beyond the BMP as {@code \\uD83D\\uDE00}.
   */
  private static void string(StringBuilder out, String s, boolean escapeSurrogates) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || (escapeSurrogates && Character.isSurrogate(c))) {
            out.append(String.format("\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  // ---- reading -------------------------------------------------------------------------------

  /** An integer token too large for a long, or a number with a fraction or an exponent. */
  private record BigNumber(String text, boolean integral) {}

  /**
   * The document as plain values: LinkedHashMap, ArrayList, String, Long, {@link BigNumber}
   * (integers beyond a long, fractions), Boolean and null.
   *
   * @throws Invalid with an empty path and the line and column of a syntax error
   */
  static Object parse(byte[] bytes) throws Invalid {
    Parser p = new Parser(new String(bytes, StandardCharsets.UTF_8));
    p.space();
    Object v = p.value(0);
    p.space();
    if (p.at < p.text.length()) {
      throw p.error();
    }
    return v;
  }

  private static final class Parser {
    private static final int MAX_DEPTH = 64;
    final String text;
    int at;

    Parser(String text) {
      this.text = text;
    }

    Invalid error() {
      int line = 1;
      int column = 1;
      for (int i = 0; i < Math.min(at, text.length()); i++) {
        if (text.charAt(i) == '\n') {
          line++;
          column = 1;
        } else {
          column++;
        }
      }
      return new Invalid("", "is not valid JSON (line " + line + ", column " + column + ")");
    }

    void space() {
      while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
        at++;
      }
    }

    char peek() throws Invalid {
      if (at >= text.length()) {
        throw error();
      }
      return text.charAt(at);
    }

    void expect(char c) throws Invalid {
      if (peek() != c) {
        throw error();
      }
      at++;
    }

    Object value(int depth) throws Invalid {
      if (depth > MAX_DEPTH) {
        throw error();
      }
      char c = peek();
      switch (c) {
        case '{':
          return object(depth);
        case '[':
          return array(depth);
        case '"':
          return string();
        case 't':
          return literal("true", Boolean.TRUE);
        case 'f':
          return literal("false", Boolean.FALSE);
        case 'n':
          return literal("null", null);
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
          }
          throw error();
      }
    }

    Object literal(String word, Object value) throws Invalid {
      if (!text.startsWith(word, at)) {
        throw error();
      }
      at += word.length();
      return value;
    }

    Map<String, Object> object(int depth) throws Invalid {
      expect('{');
      Map<String, Object> out = new LinkedHashMap<>();
      space();
      if (peek() == '}') {
        at++;
        return out;
      }
      while (true) {
        space();
        int keyAt = at;
        String key = string();
        space();
        expect(':');
        space();
        if (out.containsKey(key)) {
          at = keyAt;
          throw error();
        }
        out.put(key, value(depth + 1));
        space();
        if (peek() == ',') {
          at++;
          continue;
        }
        expect('}');
        return out;
      }
    }

    List<Object> array(int depth) throws Invalid {
      expect('[');
      List<Object> out = new ArrayList<>();
      space();
      if (peek() == ']') {
        at++;
        return out;
      }
      while (true) {
        space();
        out.add(value(depth + 1));
        space();
        if (peek() == ',') {
          at++;
          continue;
        }
        expect(']');
        return out;
      }
    }

    String string() throws Invalid {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        char c = peek();
        at++;
        if (c == '"') {
          return out.toString();
        }
        if (c < 0x20) {
          at--;
          throw error();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char e = peek();
        at++;
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            if (at + 4 > text.length()) {
              throw error();
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
              int d = Character.digit(text.charAt(at + i), 16);
              if (d < 0) {
                throw error();
              }
              v = v * 16 + d;
            }
            at += 4;
            out.append((char) v);
          }
          default -> {
            at--;
            throw error();
          }
        }
      }
    }

    Object number() throws Invalid {
      int start = at;
      if (peek() == '-') {
        at++;
      }
      int digits = digits();
      if (digits == 0 || (digits > 1 && text.charAt(at - digits) == '0')) {
        throw error(); // no digits, or a leading zero
      }
      boolean integral = true;
      if (at < text.length() && text.charAt(at) == '.') {
        at++;
        integral = false;
        if (digits() == 0) {
          throw error();
        }
      }
      if (at < text.length() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
        at++;
        integral = false;
        if (at < text.length() && (text.charAt(at) == '+' || text.charAt(at) == '-')) {
          at++;
        }
        if (digits() == 0) {
          throw error();
        }
      }
      String s = text.substring(start, at);
      if (integral) {
        BigInteger v = new BigInteger(s);
        if (v.bitLength() < 64) {
          return v.longValue();
        }
      }
      return new BigNumber(s, integral);
    }

    int digits() {
      int n = 0;
      while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
        at++;
        n++;
      }
      return n;
    }
  }

  // ---- binding -------------------------------------------------------------------------------

  /** The record of type {@code type} that the parsed object {@code tree} holds. */
  static <R extends Record> R bind(Object tree, Class<R> type) throws Invalid {
    return type.cast(bind(tree, type, ""));
  }

  private static Object bind(Object v, Type type, String path) throws Invalid {
    Class<?> raw =
        type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    if (v == null) {
      if (raw.isPrimitive()) {
        throw missing(path, raw);
      }
      return null;
    }
    if (raw == long.class || raw == Long.class || raw == int.class || raw == Integer.class) {
      if (v instanceof BigNumber n && n.integral()) {
        throw new Invalid(path, "number out of range");
      }
      if (!(v instanceof Long l)) {
        throw missing(path, raw);
      }
      if ((raw == int.class || raw == Integer.class) && l != l.intValue()) {
        throw new Invalid(path, "number out of range");
      }
      return raw == int.class || raw == Integer.class ? (Object) l.intValue() : l;
    }
    if (raw == boolean.class || raw == Boolean.class) {
      if (!(v instanceof Boolean)) {
        throw missing(path, raw);
      }
      return v;
    }
    if (raw == String.class) {
      if (!(v instanceof String)) {
        throw missing(path, raw);
      }
      return v;
    }
    if (raw.isEnum()) {
      if (v instanceof String s) {
        for (Object c : raw.getEnumConstants()) {
          if (((Enum<?>) c).name().equals(s)) {
            return c;
          }
        }
        throw new Invalid(path, "\"" + s + "\" is not one of the names that belong here");
      }
      throw missing(path, String.class);
    }
    if (List.class.isAssignableFrom(raw)) {
      if (!(v instanceof List<?> items)) {
        throw missing(path, raw);
      }
      Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
      List<Object> out = new ArrayList<>(items.size());
      for (int i = 0; i < items.size(); i++) {
        out.add(bind(items.get(i), element, path + "[" + i + "]"));
      }
      return out;
    }
    if (raw.isRecord()) {
      if (!(v instanceof Map<?, ?> fields)) {
        throw missing(path, raw);
      }
      return record(fields, raw, path);
    }
    throw new IllegalStateException("no JSON binding for " + raw);
  }

  private static Object record(Map<?, ?> fields, Class<?> type, String path) throws Invalid {
    RecordComponent[] components = type.getRecordComponents();
    Map<String, RecordComponent> byName = new LinkedHashMap<>();
    for (RecordComponent c : components) {
      byName.put(c.getName(), c);
    }
    for (Object key : fields.keySet()) {
      if (!byName.containsKey(key)) {
        throw new Invalid(
            join(path, (String) key), "unknown field (misspelled or added after patching)");
      }
    }
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      String at = join(path, c.getName());
      if (!fields.containsKey(c.getName())) {
        if (!omittable(c)) {
          throw missing(at, c.getType());
        }
        args[i] = List.of();
        types[i] = c.getType();
        continue;
      }
      args[i] = bind(fields.get(c.getName()), c.getGenericType(), at);
      types[i] = c.getType();
    }
    try {
      return type.getDeclaredConstructor(types).newInstance(args);
    } catch (InvocationTargetException e) {
      throw new Invalid(path, "cannot be read (" + e.getCause().getMessage() + ")");
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot construct " + type, e);
    }
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static Invalid missing(String path, Class<?> t) {
    String want =
        t == long.class || t == int.class || t == Long.class || t == Integer.class
            ? "an integer"
            : t == boolean.class || t == Boolean.class
                ? "true or false"
                : t == String.class
                    ? "a string"
                    : List.class.isAssignableFrom(t) ? "a list" : "an object";
    return new Invalid(path, "missing, or not " + want + " where " + want + " belongs");
  }
}
