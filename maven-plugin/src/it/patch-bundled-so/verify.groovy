// The packaged JAR carries the patched library; the copy under src/ and the x86-64 file do not change.
import dev.a64patch.core.patch.Verifier
import dev.a64patch.elf.ElfFile
import com.fasterxml.jackson.databind.ObjectMapper
import java.nio.ByteBuffer
import java.nio.ByteOrder
import java.nio.file.*
import java.util.concurrent.TimeUnit
import java.util.zip.ZipFile

byte[] original = Files.readAllBytes(Paths.get(testdata, 'bin', 'libcounters.so'))
byte[] x86 = Files.readAllBytes(Paths.get(testdata, 'bin', 'hello-x86_64'))
assert new File(basedir, 'src/main/resources/lib/linux-aarch64/libcounters.so').bytes == original : 'the source copy must stay untouched'

File jar = new File(basedir, 'target/patch-bundled-so-1.0.jar')
assert jar.isFile()
byte[] packaged
byte[] packagedX86
new ZipFile(jar).withCloseable { zip ->
    packaged = zip.getInputStream(zip.getEntry('lib/linux-aarch64/libcounters.so')).bytes
    packagedX86 = zip.getInputStream(zip.getEntry('lib/linux-x86_64/libcounters.so')).bytes
    assert zip.getEntry('it/Natives.class') != null
}
assert packagedX86 == x86 : 'an ELF file for another machine is left alone'
assert packaged != original

Path extracted = basedir.toPath().resolve('target/extracted/libcounters.so')
Files.createDirectories(extracted.parent)
Files.write(extracted, packaged)

// The engine's own check: layout rules, every trampoline, nothing left unpatched.
def report = Verifier.verify(ElfFile.read(extracted))
assert report.patched() : report
assert report.ok() : report.problems()

// Independent of the engine: every counter read objdump lists in READS.tsv is gone from the packaged copy
// (for this shared object .text lies at file offset = address), and the original held it there.
int reads = 0
new File(testdata, 'bin/READS.tsv').eachLine { line ->
    def f = line.split('\t')
    if (f[0] == 'libcounters.so' && f[4] ==~ /CNT[VP]CT_EL0/) {
        int at = Long.decode(f[2]) as int
        int word = Long.parseLong(f[3].substring(2), 16) as int
        assert ByteBuffer.wrap(original, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() == word
        assert ByteBuffer.wrap(packaged, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() != word : "read at ${f[2]} still there"
        reads++
    }
}
assert reads == 6

// The report, and the log of both builds.
def json = new ObjectMapper().readTree(new File(basedir, 'target/a64patch/patch.json'))
def entries = json.get('files')
assert entries.size() == 1
assert entries.get(0).get('path').asText() == 'target/classes/lib/linux-aarch64/libcounters.so'
assert json.get('problems').get(0).get('kind').asText() == 'skipped'
String log = new File(basedir, 'build.log').text
assert log.contains('target/classes/lib/linux-aarch64/libcounters.so: patched 6 of 7 read(s) (strategy counter)')
assert log.contains('target/classes/lib/linux-x86_64/libcounters.so: skipped: x86-64')
// the second build: the resources plugin does not copy over the newer patched file, and the engine knows it
assert entries.get(0).get('result').asText() == 'already-patched'

// The scan goal at verify passes on target/classes and on the packaged JAR's entries.
def scan = new ObjectMapper().readTree(new File(basedir, 'target/a64patch/scan.json'))
assert scan.get('files').size() == 1 && scan.get('summary').get('findings').asInt() == 0
def jarScan = new ObjectMapper().readTree(new File(basedir, 'target/a64patch-jar/scan.json'))
assert jarScan.get('files').get(0).get('path').asText() == 'target/patch-bundled-so-1.0.jar!/lib/linux-aarch64/libcounters.so'
assert jarScan.get('files').size() == 1 && jarScan.get('summary').get('findings').asInt() == 0
assert jarScan.get('problems').get(0).get('kind').asText() == 'skipped' : 'the x86-64 entry'
assert new File(basedir, 'target/a64patch-jar/scan.sarif').isFile()

// And it runs: load the packaged library with testdata's loader under qemu, twice, same T lines.
def qemu = ['/usr/bin/qemu-aarch64', '/usr/local/bin/qemu-aarch64'].find { new File(it).canExecute() }
if (qemu == null || !new File('/usr/aarch64-linux-gnu/lib').isDirectory()) {
    println 'qemu-aarch64 or the AArch64 sysroot is missing: run check skipped (CI installs them, see .ci/run)'
    return true
}
def run = {
    def p = new ProcessBuilder(qemu, '-L', '/usr/aarch64-linux-gnu', Paths.get(testdata, 'bin', 'dlopen_counters').toString(),
            extracted.toString()).redirectErrorStream(true).start()
    String out = p.inputStream.text
    assert p.waitFor(60, TimeUnit.SECONDS)
    assert p.exitValue() == 0 : out
    out
}
String first = run()
String second = run()
def tLines = { String s -> s.readLines().findAll { it.startsWith('T ') } }
assert tLines(first).size() == 10 : first
assert tLines(first) == tLines(second) : "patched counter must be deterministic:\n$first\n$second"
assert first.contains('vct monotonic yes') && first.contains('ok')
return true
