package dev.a64patch.core.demangle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Demangles symbol names through binutils' {@code c++filt}, when it is installed; names stay as
 * stored otherwise. Demangled names are for display only, so every failure (no c++filt, c++filt
 * dying or hanging) falls back to the mangled name and never fails the caller.
 *
 * <p>One long-lived process serves a whole run (as Ghidra and Eclipse CDT do): starting c++filt
 * costs milliseconds, a name costs microseconds. It is started only when a name that may be mangled
 * is asked for, so scans that find no reads in C++ functions never start it. c++filt reading stdin
 * prints each line back with its names demangled and flushes at every newline, so names are written
 * one per line in batches and one line is read back per name. Thread-safe: concurrent callers take
 * turns on the one process.
 */
public final class CxxFilt implements AutoCloseable {
  /**
   * {@code -Da64patch.cxxfilt=off} never demangles; {@code -Da64patch.cxxfilt=/path/to/c++filt}
   * chooses the program. By default the first {@code c++filt} (then {@code
   * aarch64-linux-gnu-c++filt}) on {@code PATH} is used.
   */
  public static final String SWITCH = "a64patch.cxxfilt";

  /**
   * c++filt demangles each maximal run of these characters separately; a name made only of them is
   * one run, so one line in gives exactly one line out. Other names are left as stored.
   */
  private static final Pattern ONE_RUN = Pattern.compile("[A-Za-z0-9_.$]+");

  /**
   * Itanium C++ ({@code _Z}), GCC's static constructors ({@code _GLOBAL_}) and Rust v0 ({@code
   * _R}): the only names worth a round trip. C names, the vast majority, never leave the JVM.
   */
  private static final Pattern MAYBE_MANGLED = Pattern.compile("_Z.*|_GLOBAL_.*|_R.*");

  /**
   * c++filt refuses names over 1024 bytes anyway; the bound also keeps a single name far below the
   * capacity of a pipe.
   */
  private static final int MAX_NAME = 2048;

  /**
   * Bytes written before reading the answers. c++filt stops reading while its own output pipe is
   * full, so what is written without reading must fit in our pipe to it (at least one page); a
   * batch of one long name is fine, since c++filt reads a whole line before answering.
   */
  private static final int BATCH_BYTES = 4096;

  /** After this many failures (death, timeout) in a run, stop starting c++filt. */
  private static final int MAX_FAILURES = 3;

  private static final int CACHE_SIZE = 8192;

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static volatile CxxFilt shared;

  /** Set by {@link #closeShared}: the run is ending, and {@link #startShared} starts nothing. */
  private static volatile boolean ended;

  private static ScheduledExecutorService watchdog;

  private final Optional<List<String>> command;
  private final Duration timeout;
  private final Map<String, String> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > CACHE_SIZE;
        }
      };

  private Process process;
  private Writer toProcess;
  private BufferedReader fromProcess;
  private int failures;

  /**
   * An adapter over {@code command} (a c++filt and its arguments), or one that never demangles when
   * empty. Each exchange with the process must finish within {@code timeout}.
   */
  public CxxFilt(Optional<List<String>> command, Duration timeout) {
    this.command = command.map(List::copyOf);
    this.timeout = timeout;
  }

  /** The adapter for this run, configured by {@value #SWITCH} and {@code PATH}. */
  public static CxxFilt shared() {
    CxxFilt s = shared;
    if (s == null) {
      synchronized (CxxFilt.class) {
        if (shared == null) {
          shared = new CxxFilt(configured(), TIMEOUT);
        }
        s = shared;
      }
    }
    return s;
  }

  /**
   * Ends the shared process, if one was started; for the end of a run. A c++filt still running at
   * {@code System.exit} keeps the JDK's process reaper thread blocked in {@code waitpid}, and the
   * JVM waits up to 300 ms at exit for threads blocked in native code to return (HotSpot's {@code
   * VM_Exit}): that was most of a small scan's wall time (docs/performance.md, "Third round").
   */
  public static void closeShared() {
    ended = true; // before reading shared: a start() that has not begun will see it and not start
    CxxFilt s = shared;
    if (s != null) {
      s.close();
    }
  }

  private static Optional<List<String>> configured() {
    String choice = System.getProperty(SWITCH, "");
    if (choice.equals("off")) {
      return Optional.empty();
    }
    if (!choice.isEmpty()) {
      return Optional.of(List.of(choice));
    }
    for (String name : List.of("c++filt", "aarch64-linux-gnu-c++filt")) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(List.of(candidate.toString()));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Starts the process now, if it is configured and not running: for a thread that does it while
   * the command line is still being parsed (docs/performance.md). A failure to start counts as one
   * failed exchange, as it would on first use.
   */
  public synchronized void start() {
    if (command.isPresent() && process == null && failures < MAX_FAILURES) {
      try {
        launch();
      } catch (IOException e) {
        failures++;
        stop();
      }
    }
  }

  /**
   * {@link #start} of the shared adapter, unless {@link #closeShared} has been called: a process
   * started after that would still run at {@code System.exit}.
   */
  public static void startShared() {
    CxxFilt s = shared();
    synchronized (s) {
      if (!ended) { // read after shared was set: closeShared sees s or this sees ended
        s.start();
      }
    }
  }

  /** The demangled form of {@code name}, or {@code name} itself. */
  public String demangle(String name) {
    return demangle(List.of(name)).get(0);
  }

  /**
   * The demangled form of each name, in order; a name c++filt does not change, cannot be asked
   * about, or could not be asked about, is returned as given.
   */
  public List<String> demangle(List<String> names) {
    List<String> out = new ArrayList<>(names);
    if (command.isEmpty()) {
      return out;
    }
    synchronized (this) {
      Set<String> ask = new LinkedHashSet<>();
      for (String n : names) {
        if (worthAsking(n) && !cache.containsKey(n)) {
          ask.add(n);
        }
      }
      Map<String, String> answers = ask.isEmpty() ? Map.of() : exchange(List.copyOf(ask));
      cache.putAll(answers);
      for (int i = 0; i < out.size(); i++) {
        String n = out.get(i);
        out.set(i, answers.getOrDefault(n, cache.getOrDefault(n, n)));
      }
    }
    return out;
  }

  private static boolean worthAsking(String name) {
    return name.length() <= MAX_NAME
        && MAYBE_MANGLED.matcher(name).matches()
        && ONE_RUN.matcher(name).matches();
  }

  /** c++filt's answer for each name it could be asked about; a failed batch is left out. */
  private Map<String, String> exchange(List<String> names) {
    Map<String, String> answers = new HashMap<>();
    int from = 0;
    while (from < names.size()) {
      int to = from;
      int bytes = 0;
      while (to < names.size()
          && (to == from || bytes + names.get(to).length() + 1 <= BATCH_BYTES)) {
        bytes += names.get(to).length() + 1;
        to++;
      }
      List<String> batch = names.subList(from, to);
      List<String> got = batch(batch);
      for (int i = 0; got != null && i < batch.size(); i++) {
        answers.put(batch.get(i), got.get(i));
      }
      from = to;
    }
    return answers;
  }

  /** One batch through the process, or null when c++filt is unavailable, died or hung. */
  private List<String> batch(List<String> names) {
    if (failures >= MAX_FAILURES) {
      return null;
    }
    try {
      if (process == null) {
        launch();
      }
      Process p = process;
      ScheduledFuture<?> alarm =
          watchdog().schedule(p::destroyForcibly, timeout.toMillis(), TimeUnit.MILLISECONDS);
      try {
        for (String n : names) {
          toProcess.write(n);
          toProcess.write('\n');
        }
        toProcess.flush();
        List<String> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
          String line = fromProcess.readLine();
          if (line == null) {
            throw new IOException("c++filt ended");
          }
          out.add(line);
        }
        return out;
      } finally {
        alarm.cancel(false);
      }
    } catch (IOException e) {
      failures++;
      stop();
      return null;
    }
  }

  private void launch() throws IOException {
    process =
        new ProcessBuilder(command.orElseThrow())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    toProcess = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    fromProcess =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  private void stop() {
    if (process != null) {
      process.destroyForcibly();
      process = null;
      toProcess = null;
      fromProcess = null;
    }
  }

  private static synchronized ScheduledExecutorService watchdog() {
    if (watchdog == null) {
      ScheduledThreadPoolExecutor w =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = Executors.defaultThreadFactory().newThread(r);
                t.setName("a64patch-c++filt-watchdog");
                t.setDaemon(true);
                return t;
              });
      w.setRemoveOnCancelPolicy(true);
      watchdog = w;
    }
    return watchdog;
  }

  /**
   * Ends the process: closing its input lets c++filt exit by itself. The adapter may be used again
   * afterwards (it starts a new process).
   */
  @Override
  public synchronized void close() {
    if (process != null) {
      Process p = process;
      try {
        toProcess.close();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
        }
      } catch (IOException e) {
        p.destroyForcibly();
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      process = null;
      toProcess = null;
      fromProcess = null;
    }
  }
}
