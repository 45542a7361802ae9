// The scan goal alone fails the build: it lists the reads, says how to fix it, and writes both reports.
import com.fasterxml.jackson.databind.ObjectMapper

String log = new File(basedir, 'build.log').text
assert log.contains('a64patch: 6 counter read(s) in 1 file(s) would break rr record/replay:')
assert log.contains('target/classes/lib/linux-aarch64/libcounters.so: 0x5d0 CNTVCT_EL0 x0 in lc_vct_x0')
assert log.contains('Add the patch goal of a64patch-maven-plugin')
assert log.contains('-Da64patch.failOnFindings=false')
assert log.contains('MAVEN/MojoFailureException') : 'a user-fixable failure, not an execution error'

def json = new ObjectMapper().readTree(new File(basedir, 'target/a64patch/scan.json'))
assert json.get('summary').get('findings').asInt() == 6
def sarif = new ObjectMapper().readTree(new File(basedir, 'target/a64patch/scan.sarif'))
def results = sarif.get('runs').get(0).get('results')
assert results.size() == 6
assert results.findValuesAsText('ruleId').toSet() == ['CNTVCT_EL0', 'CNTPCT_EL0'] as Set
return true
