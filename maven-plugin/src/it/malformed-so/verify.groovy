// The build fails with a MojoFailureException that names the file, says why and how to fix it.
String log = new File(basedir, 'build.log').text
assert log.contains('a64patch: cannot patch 1 file(s):')
assert log.contains('target/classes/lib/linux-aarch64/libbroken.so: malformed ELF file: ')
assert log.contains('-Da64patch.excludes=')
assert log.contains('MAVEN/MojoFailureException') : 'a user-fixable failure, not an execution error'
assert !new File(basedir, 'target/malformed-so-1.0.jar').exists() : 'nothing is packaged'
assert new File(basedir, 'target/a64patch/patch.json').text.contains('"kind" : "bad-input"')
return true
