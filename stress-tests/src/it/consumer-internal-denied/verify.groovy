// The build must have failed because module dev.socketloom does not export dev.socketloom.internal.runtime,
// not for any other reason (a missing dependency, a toolchain problem).
def log = new File(basedir, 'build.log').text
assert log.contains('package dev.socketloom.internal.runtime is not visible') : 'javac did not report the unexported package'
assert log.contains('does not export it') : 'javac did not name the module that does not export the package'
return true
