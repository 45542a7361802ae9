// Nothing to patch: the build passes, says so, and the report lists no file.
import com.fasterxml.jackson.databind.ObjectMapper

String log = new File(basedir, 'build.log').text
assert log.contains('a64patch: no files match [**/*.so*]')
def json = new ObjectMapper().readTree(new File(basedir, 'target/a64patch/patch.json'))
assert json.get('files').size() == 0 && json.get('problems').size() == 0
assert new File(basedir, 'target/no-native-files-1.0.jar').isFile()
return true
