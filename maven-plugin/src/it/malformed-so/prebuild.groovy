// A library cut short after 200 bytes (made here: the IT projects commit no binaries): its
// ELF header promises program headers the file does not hold.
import java.nio.file.*

Path target = basedir.toPath().resolve('src/main/resources/lib/linux-aarch64/libbroken.so')
Files.createDirectories(target.parent)
byte[] whole = Files.readAllBytes(Paths.get(testdata, 'bin', 'libcounters.so'))
Files.write(target, Arrays.copyOf(whole, 200))
return true
