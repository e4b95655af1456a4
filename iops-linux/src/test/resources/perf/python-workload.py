import os, threading, socket, json, time
d = "/tmp/perffix"
t0 = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
fd = os.open(d + "/data.bin", os.O_CREAT | os.O_TRUNC | os.O_RDWR)
for i in range(10):
    os.write(fd, b"x" * 4096)                      # 10 writes x 4096
os.pwrite(fd, b"y" * 100, 0)                       # pwrite64 100
os.writev(fd, [b"a" * 10, b"b" * 20])              # writev 30
os.lseek(fd, 0, 0)
n = 0
while True:
    b = os.read(fd, 8192)                           # reads: 5 x 8192 + 1 x 30... until EOF
    if not b: break
out = os.open(d + "/copy.bin", os.O_CREAT | os.O_TRUNC | os.O_WRONLY)
os.sendfile(out, fd, 0, 5000)                      # sendfile 5000: read of data.bin + write of copy.bin
try:
    os.write(999, b"z")                             # EBADF: one failed write
except OSError:
    pass
tids = []
def worker(k):
    tids.append(threading.get_native_id())
    w = os.open(d + "/t%d.bin" % k, os.O_CREAT | os.O_TRUNC | os.O_WRONLY)
    for i in range(50):
        os.write(w, b"t" * (k + 1))                 # 50 writes of k+1 bytes
    os.close(w)
ts = [threading.Thread(target=worker, args=(k,)) for k in range(2)]
[t.start() for t in ts]; [t.join() for t in ts]
t1 = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
json.dump({"data": fd, "copy": out, "begin": t0, "end": t1, "main": threading.get_native_id(), "workers": tids}, open(d + "/fds.json", "w"))
