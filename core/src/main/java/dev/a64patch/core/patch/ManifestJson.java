package dev.a64patch.core.patch;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The manifest's JSON: records of strings, integers, booleans, enums (by name), lists and records,
 * written and read by following the record components, so that a field added to a manifest record
 * is written and read without more code. Tokens, escaping and numbers are jackson-core's streaming
 * generator and parser (cheap to set up, unlike a data-binding mapper: docs/performance.md); this
 * class only walks the records. It writes what Jackson's record serialisation wrote for the
 * manifest before it (the compact form for the checksum, the two-space pretty form in the file),
 * byte for byte, so that manifests already written keep their checksums. It reads strictly: an
 * unknown, missing or duplicate key, a fraction or a number where an integer or a string belongs, a
 * string where a number belongs, or anything after the document is an error naming the field.
 */
final class ManifestJson {
  private ManifestJson() {}

  /**
   * Jackson's defaults already refuse what is not JSON (comments, NaN, leading zeros, single
   * quotes, raw control characters in strings); a manifest nests four levels, so anything much
   * deeper is damage, refused before it costs stack.
   */
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
          .build();

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

  /**
   * What Jackson's mapper wrote to bytes: its UTF-8 generator, which writes a character beyond the
   * BMP as the escapes {@code \\uD83D\\uDE00}.
   */
  static byte[] compact(Record r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      write(g, r);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: cannot happen
    }
    return out.toByteArray();
  }

  /**
   * What Jackson's mapper wrote as a string with its default pretty printer (objects indented by
   * two spaces, {@code " : "}, arrays inline), then encoded as UTF-8; the line feed is fixed so
   * that the file's form does not depend on the platform's line separator.
   */
  static byte[] pretty(Record r) {
    StringWriter out = new StringWriter(8192);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.setPrettyPrinter(
          new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));
      write(g, r);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: cannot happen
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void write(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof Integer i) {
      g.writeNumber(i);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Enum<?> e) {
      g.writeString(e.name());
    } else if (v instanceof List<?> list) {
      g.writeStartArray();
      for (Object item : list) {
        write(g, item);
      }
      g.writeEndArray();
    } else if (v instanceof Record r) {
      g.writeStartObject();
      for (Component c : SHAPES.get(r.getClass()).components) {
        Object value = c.get(r);
        if (!c.omitted(value)) {
          g.writeFieldName(c.name);
          write(g, value);
        }
      }
      g.writeEndObject();
    } else {
      throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
    }
  }

  /**
   * What the binding needs of a record class, found once per class: reflection gives a new copy of
   * the components, and parses their generic types and annotations again, on every call, which cost
   * about 40 microseconds per record, 0.3 s for a manifest of 8,000 sites (docs/performance.md,
   * "Ninth round").
   */
  private static final ClassValue<Shape> SHAPES =
      new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
          return new Shape(type);
        }
      };

  private static final class Shape {
    final Component[] components;
    final Map<String, Integer> byName = new HashMap<>();
    final Constructor<?> constructor;

    Shape(Class<?> type) {
      RecordComponent[] all = type.getRecordComponents();
      components = new Component[all.length];
      Class<?>[] types = new Class<?>[all.length];
      for (int i = 0; i < all.length; i++) {
        components[i] = new Component(all[i]);
        types[i] = all[i].getType();
        byName.put(all[i].getName(), i);
      }
      try {
        constructor = type.getDeclaredConstructor(types);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException("a record without its canonical constructor: " + type, e);
      }
    }
  }

  private static final class Component {
    final String name;
    final Class<?> type;
    final Type genericType;
    final Method accessor;

    /**
     * A list marked {@code @JsonInclude(NON_EMPTY)} is left out while empty (as Jackson did), so
     * that a field added that way keeps older manifests' bytes, and with them their checksums;
     * reading takes its absence as the empty list.
     */
    final boolean omittable;

    Component(RecordComponent c) {
      name = c.getName();
      type = c.getType();
      genericType = c.getGenericType();
      accessor = c.getAccessor();
      // @JsonInclude does not target record components: javac puts it on the accessor (and field).
      JsonInclude include = accessor.getAnnotation(JsonInclude.class);
      omittable =
          include != null
              && include.value() == JsonInclude.Include.NON_EMPTY
              && List.class.isAssignableFrom(type);
    }

    boolean omitted(Object value) {
      return omittable && (value == null || ((List<?>) value).isEmpty());
    }

    Object get(Record r) {
      try {
        return accessor.invoke(r);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("cannot read " + name + " of " + r.getClass(), e);
      }
    }
  }

  // ---- reading -------------------------------------------------------------------------------

  /** An integer token too large for a long, or a number with a fraction or an exponent. */
  private record BigNumber(String text, boolean integral) {}

  /**
   * The document as plain values: LinkedHashMap, ArrayList, String, Long, {@link BigNumber}
   * (integers beyond a long, fractions), Boolean and null.
   *
   * @throws Invalid naming the field and the line and column of a syntax error or a duplicate key
   */
  static Object parse(byte[] bytes) throws Invalid {
    JsonParser p;
    try {
      p = FACTORY.createParser(bytes);
    } catch (IOException e) {
      // The parser reads the encoding (UTF-8, 16 or 32) from the first bytes and found none.
      throw new Invalid("", "is not valid JSON (line 1, column 1)");
    }
    try (p) {
      Object v = value(p, p.nextToken());
      if (p.nextToken() != null) {
        throw syntax(p, p.currentTokenLocation());
      }
      return v;
    } catch (JsonProcessingException e) {
      // A broken constraint (nesting too deep) carries no location of its own.
      throw syntax(p, e.getLocation() != null ? e.getLocation() : p.currentLocation());
    } catch (IOException e) {
      throw syntax(p, p.currentLocation()); // over a byte array: only malformed text
    }
  }

  private static Object value(JsonParser p, JsonToken t) throws IOException, Invalid {
    if (t == null) {
      throw syntax(p, p.currentLocation()); // empty, or cut short
    }
    return switch (t) {
      case START_OBJECT -> object(p);
      case START_ARRAY -> array(p);
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT ->
          p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
              ? new BigNumber(p.getText(), true)
              : (Object) p.getLongValue();
      case VALUE_NUMBER_FLOAT -> new BigNumber(p.getText(), false);
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw syntax(p, p.currentTokenLocation());
    };
  }

  private static Map<String, Object> object(JsonParser p) throws IOException, Invalid {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
      // Checked here rather than by the parser's duplicate detection, so that the error names the
      // field instead of giving only a position.
      if (out.containsKey(key)) {
        throw new Invalid(path(p.getParsingContext()), "appears twice (not valid JSON)");
      }
      out.put(key, value(p, p.nextToken()));
    }
    return out;
  }

  private static List<Object> array(JsonParser p) throws IOException, Invalid {
    List<Object> out = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      out.add(value(p, t));
    }
    return out;
  }

  private static Invalid syntax(JsonParser p, JsonLocation at) {
    return new Invalid(
        path(p.getParsingContext()),
        "is not valid JSON (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
  }

  /** The field the parser is in, as the binding names it: "sites[3].offset". */
  private static String path(JsonStreamContext c) {
    if (c == null || c.inRoot()) {
      return "";
    }
    String parent = path(c.getParent());
    if (c.inArray()) {
      return parent + "[" + Math.max(c.getCurrentIndex(), 0) + "]";
    }
    return c.getCurrentName() == null ? parent : join(parent, c.getCurrentName());
  }

  // ---- binding -------------------------------------------------------------------------------

  /** The record of type {@code type} that the parsed object {@code tree} holds. */
  static <R extends Record> R bind(Object tree, Class<R> type) throws Invalid {
    return type.cast(bind(tree, type, Where.ROOT));
  }

  /**
   * Where a value is in the document, spelt out ("sites[3].offset") only for an error: spelling it
   * for every value cost more than binding it.
   */
  private static final class Where {
    static final Where ROOT = new Where(null, null, -1);
    private final Where parent;
    private final String name;
    private final int index;

    private Where(Where parent, String name, int index) {
      this.parent = parent;
      this.name = name;
      this.index = index;
    }

    Where field(String n) {
      return new Where(this, n, -1);
    }

    Where item(int i) {
      return new Where(this, null, i);
    }

    @Override
    public String toString() {
      if (parent == null) {
        return "";
      }
      String p = parent.toString();
      return name == null ? p + "[" + index + "]" : join(p, name);
    }
  }

  private static Object bind(Object v, Type type, Where path) throws Invalid {
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
        throw new Invalid(path.toString(), "number out of range");
      }
      if (!(v instanceof Long l)) {
        throw missing(path, raw);
      }
      if ((raw == int.class || raw == Integer.class) && l != l.intValue()) {
        throw new Invalid(path.toString(), "number out of range");
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
        throw new Invalid(
            path.toString(), "\"" + s + "\" is not one of the names that belong here");
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
        out.add(bind(items.get(i), element, path.item(i)));
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

  private static Object record(Map<?, ?> fields, Class<?> type, Where path) throws Invalid {
    Shape shape = SHAPES.get(type);
    for (Object key : fields.keySet()) {
      if (!shape.byName.containsKey(key)) {
        throw new Invalid(
            join(path.toString(), (String) key),
            "unknown field (misspelled or added after patching)");
      }
    }
    Component[] components = shape.components;
    Object[] args = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      Component c = components[i];
      if (!fields.containsKey(c.name)) {
        if (!c.omittable) {
          throw missing(path.field(c.name), c.type);
        }
        args[i] = List.of();
        continue;
      }
      args[i] = bind(fields.get(c.name), c.genericType, path.field(c.name));
    }
    try {
      return shape.constructor.newInstance(args);
    } catch (InvocationTargetException e) {
      throw new Invalid(path.toString(), "cannot be read (" + e.getCause().getMessage() + ")");
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot construct " + type, e);
    }
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static Invalid missing(Where path, Class<?> t) {
    String want =
        t == long.class || t == int.class || t == Long.class || t == Integer.class
            ? "an integer"
            : t == boolean.class || t == Boolean.class
                ? "true or false"
                : t == String.class
                    ? "a string"
                    : List.class.isAssignableFrom(t) ? "a list" : "an object";
    return new Invalid(path.toString(), "missing, or not " + want + " where " + want + " belongs");
  }
}
