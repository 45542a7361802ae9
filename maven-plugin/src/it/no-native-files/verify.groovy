// Nothing to patch: the build passes and says so; the file the patterns select is not ELF and
// is left alone; the reports list no file.
import com.fasterxml.jackson.databind.ObjectMapper

String log = new File(basedir, 'build.log').text
assert log.contains('a64patch: 1 matching file(s) are not ELF and were left alone')
assert log.contains('a64patch: no AArch64 files match [**/*.so*, **/*.properties]')
assert log.contains('(1 matching file(s) are not ELF)')
assert new File(basedir, 'target/classes/app.properties').text == new File(basedir, 'src/main/resources/app.properties').text
def json = new ObjectMapper().readTree(new File(basedir, 'target/a64patch/patch.json'))
assert json.get('files').size() == 0 && json.get('problems').size() == 0
assert new File(basedir, 'target/no-native-files-1.0.jar').isFile()
def scan = new ObjectMapper().readTree(new File(basedir, 'target/a64patch/scan.json'))
assert scan.get('files').size() == 0 && scan.get('summary').get('findings').asInt() == 0
assert scan.get('summary').get('nonElf').asInt() == 1
def sarif = new ObjectMapper().readTree(new File(basedir, 'target/a64patch/scan.sarif'))
assert sarif.get('runs').get(0).get('results').size() == 0
return true
