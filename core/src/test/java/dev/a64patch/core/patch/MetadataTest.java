package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue: an in-place patch silently dropped extended attributes (security.capability too) and the
 * setuid/setgid/sticky bits. Now attributes are kept, and the special bits, which must not survive
 * on a modified executable, are dropped with a warning.
 */
class MetadataTest {
  @TempDir Path dir;

  interface LibC extends Library {
    int setxattr(String path, String name, byte[] value, long size, int flags);

    long getxattr(String path, String name, byte[] value, long size);
  }

  @Test
  void inPlacePatchAndRestoreKeepUserExtendedAttributes() throws Exception {
    Path file = TestData.copy("libcounters.so", dir);
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
    Tools.assumeAvailable(view != null, "no user extended attributes on " + dir);
    view.write("a64patch.test", ByteBuffer.wrap("kept".getBytes(StandardCharsets.UTF_8)));
    Patcher.Outcome o =
        Patcher.patch(file, file, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    assertEquals(Patcher.Result.PATCHED, o.result());
    assertEquals(List.of(), o.warnings());
    assertEquals("kept", read(file));
    Patcher.restore(file, file, PatchWriter.Hooks.NONE);
    assertEquals("kept", read(file));
  }

  @Test
  void inPlacePatchKeepsFileCapabilitiesAsRoot() throws Exception {
    Path file = TestData.copy("libcounters.so", dir);
    boolean root = Tools.isRoot();
    if (!root) {
      return; // only root (CAP_SETFCAP) can set security.capability; CI runs as root
    }
    LibC libc = Native.load("c", LibC.class);
    // struct vfs_cap_data, revision 2, effective, permitted = CAP_NET_BIND_SERVICE (10).
    byte[] cap =
        ByteBuffer.allocate(20)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt(0x02000001)
            .putInt(1 << 10)
            .putInt(0)
            .putInt(0)
            .putInt(0)
            .array();
    int rc = libc.setxattr(file.toString(), "security.capability", cap, cap.length, 0);
    Tools.assumeAvailable(rc == 0, "cannot set security.capability on " + dir);
    Patcher.Outcome o =
        Patcher.patch(file, file, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    assertEquals(List.of(), o.warnings());
    byte[] back = new byte[64];
    long n = libc.getxattr(file.toString(), "security.capability", back, back.length);
    assertEquals(cap.length, n, "security.capability was dropped");
    assertArrayEquals(cap, java.util.Arrays.copyOf(back, (int) n));
  }

  @Test
  void setuidBitsAreDroppedWithAWarning() throws Exception {
    Path file = TestData.copy("libcounters.so", dir);
    Files.setAttribute(file, "unix:mode", 04755, LinkOption.NOFOLLOW_LINKS);
    Patcher.Outcome o =
        Patcher.patch(file, file, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    assertEquals(1, o.warnings().size(), o.warnings().toString());
    assertTrue(o.warnings().get(0).startsWith(file + ": mode 4755: "), o.warnings().toString());
    int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    assertEquals(0755, mode & 07777);
  }

  private static String read(Path file) throws Exception {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
    ByteBuffer b = ByteBuffer.allocate(view.size("a64patch.test"));
    view.read("a64patch.test", b);
    return new String(b.array(), StandardCharsets.UTF_8);
  }
}
