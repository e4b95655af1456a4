# The workload of python-workload.script.txt. Truth inside [begin, end] (CLOCK_MONOTONIC, printed to fds.json):
# pre.bin (open before begin): 2 writes of 50 B, then closed; first.bin: 3 writes of 7 B on a descriptor opened
# and closed inside; data.bin (reuses that number, open at end): 10 x 4096 B write, 100 B pwrite64, 30 B writev,
# 7 reads of up to 8192 B to end of file (40,990 B) and sendfile's 5000 B read; copy.bin: sendfile's 5000 B write;
# one failed write (EBADF); two threads writing 50 x 1 B and 50 x 2 B to files they open and close.
import os, threading, json, time
d = "/tmp/perffix"
pre = os.open(d + "/pre.bin", os.O_CREAT | os.O_TRUNC | os.O_WRONLY)
t0 = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
os.write(pre, b"p" * 50); os.write(pre, b"p" * 50)
os.close(pre)
first = os.open(d + "/first.bin", os.O_CREAT | os.O_TRUNC | os.O_WRONLY)
for i in range(3):
    os.write(first, b"f" * 7)
os.close(first)
fd = os.open(d + "/data.bin", os.O_CREAT | os.O_TRUNC | os.O_RDWR)
for i in range(10):
    os.write(fd, b"x" * 4096)
os.pwrite(fd, b"y" * 100, 0)
os.writev(fd, [b"a" * 10, b"b" * 20])
os.lseek(fd, 0, 0)
while True:
    if not os.read(fd, 8192):
        break
out = os.open(d + "/copy.bin", os.O_CREAT | os.O_TRUNC | os.O_WRONLY)
os.sendfile(out, fd, 0, 5000)
try:
    os.write(999, b"z")
except OSError:
    pass
tids = []
def worker(k):
    tids.append(threading.get_native_id())
    w = os.open(d + "/t%d.bin" % k, os.O_CREAT | os.O_TRUNC | os.O_WRONLY)
    for i in range(50):
        os.write(w, b"t" * (k + 1))
    os.close(w)
ts = [threading.Thread(target=worker, args=(k,)) for k in range(2)]
[t.start() for t in ts]; [t.join() for t in ts]
t1 = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
json.dump({"pre": pre, "first": first, "data": fd, "copy": out, "begin": t0, "end": t1, "pid": os.getpid(),
           "main": threading.get_native_id(), "workers": tids}, open(d + "/fds.json", "w"))
