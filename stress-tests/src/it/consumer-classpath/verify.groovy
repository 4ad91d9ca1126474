// The program checks its own guarantees and exits non-zero on a failure; this checks that it ran to the end.
def log = new File(basedir, 'build.log').text
assert log.contains('consumer: OK (classpath, SocketLoom ') : 'the consumer program did not report OK'
return true
