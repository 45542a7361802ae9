// -Da64patch.skip=true: both goals skip; the packaged library is the original byte for byte, and no report is written.
import java.nio.file.*
import java.util.zip.ZipFile

byte[] original = Files.readAllBytes(Paths.get(testdata, 'bin', 'libcounters.so'))
new ZipFile(new File(basedir, 'target/skip-1.0.jar')).withCloseable { zip ->
    assert zip.getInputStream(zip.getEntry('lib/linux-aarch64/libcounters.so')).bytes == original
}
assert !new File(basedir, 'target/a64patch').exists()
String log = new File(basedir, 'build.log').text
assert log.contains('a64patch: patch skipped (a64patch.skip)')
assert log.contains('a64patch: scan skipped (a64patch.skip)')
return true
