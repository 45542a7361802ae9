package dev.a64patch.maven;

import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.logging.Log;

/** A Maven log that keeps every line, "LEVEL message", for assertions. */
final class RecordingLog implements Log {
  final List<String> lines = new ArrayList<>();

  String text() {
    return String.join("\n", lines);
  }

  private void add(String level, CharSequence m, Throwable t) {
    lines.add(level + " " + (m == null ? "" : m) + (t == null ? "" : " " + t));
  }

  @Override
  public boolean isDebugEnabled() {
    return true;
  }

  @Override
  public void debug(CharSequence c) {
    add("DEBUG", c, null);
  }

  @Override
  public void debug(CharSequence c, Throwable t) {
    add("DEBUG", c, t);
  }

  @Override
  public void debug(Throwable t) {
    add("DEBUG", null, t);
  }

  @Override
  public boolean isInfoEnabled() {
    return true;
  }

  @Override
  public void info(CharSequence c) {
    add("INFO", c, null);
  }

  @Override
  public void info(CharSequence c, Throwable t) {
    add("INFO", c, t);
  }

  @Override
  public void info(Throwable t) {
    add("INFO", null, t);
  }

  @Override
  public boolean isWarnEnabled() {
    return true;
  }

  @Override
  public void warn(CharSequence c) {
    add("WARN", c, null);
  }

  @Override
  public void warn(CharSequence c, Throwable t) {
    add("WARN", c, t);
  }

  @Override
  public void warn(Throwable t) {
    add("WARN", null, t);
  }

  @Override
  public boolean isErrorEnabled() {
    return true;
  }

  @Override
  public void error(CharSequence c) {
    add("ERROR", c, null);
  }

  @Override
  public void error(CharSequence c, Throwable t) {
    add("ERROR", c, t);
  }

  @Override
  public void error(Throwable t) {
    add("ERROR", null, t);
  }
}
