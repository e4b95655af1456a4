/*
 * A full file system for one directory, without filling or mounting anything: an LD_PRELOAD library for a child
 * JVM under test. While the file named by IOPS_FULL_FLAG exists, every write to a file under IOPS_FULL_DIR fails
 * with ENOSPC and statvfs of a path under it reports no free block -- what a full tmpfs does (creating files and
 * directories still works). Libraries call these through libc (the JVM's own writes, Flight Recorder's native
 * chunk writer, FileChannel, statvfs for FileStore.getUsableSpace), so all of them meet the same full disk.
 * Built by the test with: cc -shared -fPIC -o fullfs.so fullfs.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static int full(void) {
    const char *flag = getenv("IOPS_FULL_FLAG");
    return flag != NULL && access(flag, F_OK) == 0;
}

static int under(const char *path) {
    const char *dir = getenv("IOPS_FULL_DIR");
    size_t n = dir == NULL ? 0 : strlen(dir);
    return n > 0 && strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static int fd_under(int fd) {
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) {
        return 0;
    }
    path[n] = '\0';
    return under(path);
}

#define REFUSE(fd) do { if (full() && fd_under(fd)) { errno = ENOSPC; return -1; } } while (0)
/* the next definition of the function being defined: libc's */
#define REAL(name) static __typeof__(&name) real; if (!real) real = (__typeof__(&name)) dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void *buf, size_t count) {
    REAL(write);
    REFUSE(fd);
    return real(fd, buf, count);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset) {
    REAL(pwrite);
    REFUSE(fd);
    return real(fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off_t offset) {
    REAL(pwrite64);
    REFUSE(fd);
    return real(fd, buf, count, offset);
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt) {
    REAL(writev);
    REFUSE(fd);
    return real(fd, iov, iovcnt);
}

int statvfs(const char *path, struct statvfs *buf) {
    REAL(statvfs);
    int r = real(path, buf);
    if (r == 0 && full() && under(path)) {
        buf->f_bfree = 0;
        buf->f_bavail = 0;
    }
    return r;
}

int statvfs64(const char *path, struct statvfs64 *buf) {
    REAL(statvfs64);
    int r = real(path, buf);
    if (r == 0 && full() && under(path)) {
        buf->f_bfree = 0;
        buf->f_bavail = 0;
    }
    return r;
}
