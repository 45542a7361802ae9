// An unpatched AArch64 library bundled in the JAR (copied from testdata/, not committed here).
import java.nio.file.*

Path target = basedir.toPath().resolve('src/main/resources/lib/linux-aarch64/libcounters.so')
Files.createDirectories(target.parent)
Files.copy(Paths.get(testdata, 'bin', 'libcounters.so'), target, StandardCopyOption.REPLACE_EXISTING)
return true
