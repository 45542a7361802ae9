// Binaries are not committed here: copy the AArch64 library (and an x86-64 ELF file standing in
// for the x86-64 build of the same library) from testdata/ into the project's resources.
import java.nio.file.*

def copy(String from, String to) {
    Path target = basedir.toPath().resolve(to)
    Files.createDirectories(target.parent)
    Files.copy(Paths.get(testdata, 'bin', from), target, StandardCopyOption.REPLACE_EXISTING)
}
copy('libcounters.so', 'src/main/resources/lib/linux-aarch64/libcounters.so')
copy('hello-x86_64', 'src/main/resources/lib/linux-x86_64/libcounters.so')
return true
