package dev.a64patch.core.patch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.function.UnaryOperator;

/**
 * A FileChannel that fails with "No space left on device" once {@code budget} bytes have been
 * written through it, or a positional write would reach past file offset {@code budget}: the writer
 * skips blocks of zeros (holes), so the bytes it writes can be fewer than the file's length. Or,
 * made by {@link #atFsync}, one whose writes succeed and whose fsync fails, as a full disk or a
 * failing device reports delayed writes.
 */
final class FailingChannel extends FileChannel {
  private final FileChannel delegate;
  private final long limit;
  private long budget;
  private boolean failFsync;
  private long changeAt = -1;

  /** What the bytes from {@link #changeAt} become; null: the one byte there is inverted. */
  private byte[] changeTo;

  FailingChannel(FileChannel delegate, long budget) {
    this.delegate = delegate;
    this.budget = budget;
    this.limit = budget;
  }

  /** Hooks that write the result through the channel {@code wrap} makes of the real one. */
  static PatchWriter.Hooks hooks(UnaryOperator<FileChannel> wrap) {
    return new PatchWriter.Hooks() {
      @Override
      public FileChannel channel(FileChannel c) {
        return wrap.apply(c);
      }
    };
  }

  /**
   * A channel that fails silently: the byte at file offset {@code offset} reaches the file with its
   * bits inverted, as from a faulty device or a writer bug.
   */
  static FailingChannel flipping(FileChannel delegate, long offset) {
    FailingChannel c = new FailingChannel(delegate, Long.MAX_VALUE);
    c.changeAt = offset;
    return c;
  }

  /**
   * A channel that fails silently: the instruction word {@code word} reaches the file at {@code
   * offset}, whatever was written there.
   */
  static FailingChannel planting(FileChannel delegate, long offset, int word) {
    FailingChannel c = new FailingChannel(delegate, Long.MAX_VALUE);
    c.changeAt = offset;
    c.changeTo =
        new byte[] {(byte) word, (byte) (word >>> 8), (byte) (word >>> 16), (byte) (word >>> 24)};
    return c;
  }

  /** A channel whose fsync fails with "Input/output error". */
  static FailingChannel atFsync(FileChannel delegate) {
    FailingChannel c = new FailingChannel(delegate, Long.MAX_VALUE);
    c.failFsync = true;
    return c;
  }

  private void spend(long n) throws IOException {
    budget -= n;
    if (budget < 0) {
      throw new IOException("No space left on device (injected)");
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return delegate.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return delegate.read(dsts, offset, length);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    spend(src.remaining());
    return delegate.write(src);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    throw new IOException("not used");
  }

  @Override
  public long position() throws IOException {
    return delegate.position();
  }

  @Override
  public FileChannel position(long p) throws IOException {
    delegate.position(p);
    return this;
  }

  @Override
  public long size() throws IOException {
    return delegate.size();
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    delegate.truncate(size);
    return this;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    if (failFsync) {
      throw new IOException("Input/output error (injected at fsync)");
    }
    delegate.force(metaData);
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    return delegate.transferTo(position, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    spend(count);
    return delegate.transferFrom(src, position, count);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return delegate.read(dst, position);
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    spend(src.remaining());
    if (position + src.remaining() > limit) {
      throw new IOException("No space left on device (injected)");
    }
    int changed = changeTo == null ? 1 : changeTo.length;
    if (changeAt >= 0 && changeAt < position + src.remaining() && changeAt + changed > position) {
      ByteBuffer copy = ByteBuffer.allocate(src.remaining()).put(src.duplicate()).flip();
      for (int i = 0; i < changed; i++) {
        long at = changeAt + i - position;
        if (at >= 0 && at < copy.limit()) {
          copy.put((int) at, changeTo == null ? (byte) ~copy.get((int) at) : changeTo[i]);
        }
      }
      int n = delegate.write(copy, position);
      src.position(src.position() + n);
      return n;
    }
    return delegate.write(src, position);
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return delegate.map(mode, position, size);
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return delegate.lock(position, size, shared);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return delegate.tryLock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    delegate.close();
  }
}
