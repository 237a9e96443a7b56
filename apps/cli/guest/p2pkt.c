/*
 * p2pkt: the guest-side helper of `p2pdma kernel run`.
 *
 * Runs inside the initramfs of a QEMU guest booted on the real kernel. Each sub-command does
 * one system call sequence and prints exactly one JSON object on stdout:
 *   {"value":"...","errno":"ENODEV"}   (value and errno present when known)
 * so that the host can record what the kernel answered without parsing shell error text.
 *
 *   p2pkt read PATH                  read a file (sysfs, configfs)
 *   p2pkt write PATH HEX             write the bytes HEX in one write(2) (empty HEX = 0 bytes)
 *   p2pkt writes PATH TEXT           write TEXT (an argument) in one write(2)
 *   p2pkt mkdir PATH | rmdir PATH | symlink TARGET PATH | ls PATH
 *   p2pkt p2pio BDF LEN OP [BLOCKDEV [OFFSET]]
 *       mmap LEN bytes of /sys/bus/pci/devices/BDF/p2pmem/allocate and then, by OP:
 *         map       MAP_SHARED, report p2pmem/available while mapped and after munmap
 *         private   MAP_PRIVATE (the kernel refuses it: EINVAL)
 *         write     fill the buffer, pwrite(O_DIRECT) it to BLOCKDEV at OFFSET
 *         read      pread(O_DIRECT) from BLOCKDEV at OFFSET into the buffer
 *         roundtrip write a pattern from P2P memory, read it back into P2P memory, compare
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void json_str(const char *s, size_t n) {
  putchar('"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20 || c >= 0x7f) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

static const char *err_name(int e) {
  const char *n = strerrorname_np(e);
  return n ? n : "E?";
}

/* Prints {"value":...,"errno":...}; value may be NULL, err 0 = no errno. */
static int report(const char *value, size_t n, int err, const char *extra) {
  int first = 1;
  putchar('{');
  if (value) {
    printf("\"value\":");
    json_str(value, n);
    first = 0;
  }
  if (err) {
    printf("%s\"errno\":\"%s\"", first ? "" : ",", err_name(err));
    first = 0;
  }
  if (extra) printf("%s%s", first ? "" : ",", extra);
  printf("}\n");
  fflush(stdout);
  return 0;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int do_read(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return report(NULL, 0, errno, NULL);
  static char buf[1 << 20];
  size_t len = 0;
  for (;;) {
    ssize_t r = read(fd, buf + len, sizeof buf - len);
    if (r < 0) {
      int e = errno;
      close(fd);
      return report(NULL, 0, e, NULL);
    }
    if (r == 0 || len + (size_t)r >= sizeof buf) {
      len += (size_t)r;
      break;
    }
    len += (size_t)r;
  }
  close(fd);
  return report(buf, len, 0, NULL);
}

static int do_write(const char *path, const char *data, size_t n) {
  int fd = open(path, O_WRONLY);
  if (fd < 0) return report(NULL, 0, errno, "\"stage\":\"open\"");
  ssize_t w = write(fd, data, n);
  int e = w < 0 ? errno : 0;
  int c = close(fd);
  int ce = c < 0 ? errno : 0;
  char extra[64];
  snprintf(extra, sizeof extra, "\"written\":%zd", w);
  if (e) return report(NULL, 0, e, extra);
  if (ce) return report(NULL, 0, ce, "\"stage\":\"close\"");
  return report(NULL, 0, 0, extra);
}

static int do_write_hex(const char *path, const char *hex) {
  size_t n = strlen(hex) / 2;
  char *data = malloc(n + 1);
  for (size_t i = 0; i < n; i++) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return report(NULL, 0, EINVAL, "\"note\":\"bad hex\"");
    data[i] = (char)(hi * 16 + lo);
  }
  return do_write(path, data, n);
}

static int do_ls(const char *path) {
  DIR *d = opendir(path);
  if (!d) return report(NULL, 0, errno, NULL);
  static char buf[1 << 16];
  size_t len = 0;
  struct dirent *e;
  /* One name per line, in the kernel's readdir order. */
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    int w = snprintf(buf + len, sizeof buf - len, "%s\n", e->d_name);
    if (w < 0 || (size_t)w >= sizeof buf - len) break;
    len += (size_t)w;
  }
  closedir(d);
  return report(buf, len, 0, NULL);
}

static long read_available(const char *bdf) {
  char path[256], buf[64];
  snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/p2pmem/available", bdf);
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  ssize_t r = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (r <= 0) return -1;
  buf[r] = 0;
  return strtol(buf, NULL, 10);
}

static int do_p2pio(int argc, char **argv) {
  if (argc < 3) return report(NULL, 0, EINVAL, "\"note\":\"usage\"");
  const char *bdf = argv[0];
  size_t len = strtoull(argv[1], NULL, 0);
  const char *op = argv[2];
  const char *dev = argc > 3 ? argv[3] : NULL;
  off_t off = argc > 4 ? (off_t)strtoll(argv[4], NULL, 0) : 0;
  char path[256], extra[512];
  snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/p2pmem/allocate", bdf);
  long before = read_available(bdf);
  int fd = open(path, O_RDWR);
  if (fd < 0) {
    snprintf(extra, sizeof extra, "\"stage\":\"open\"");
    return report(NULL, 0, errno, extra);
  }
  int flags = strcmp(op, "private") == 0 ? MAP_PRIVATE : MAP_SHARED;
  char *buf = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, 0);
  if (buf == MAP_FAILED) {
    int e = errno;
    close(fd);
    snprintf(extra, sizeof extra, "\"stage\":\"mmap\",\"availableBefore\":%ld", before);
    return report(NULL, 0, e, extra);
  }
  long during = read_available(bdf);
  int e = 0;
  ssize_t done = 0;
  const char *stage = "mmap";
  int match = -1;
  if (!strcmp(op, "write") || !strcmp(op, "read") || !strcmp(op, "roundtrip")) {
    int bfd = dev ? open(dev, O_RDWR | O_DIRECT) : -1;
    if (bfd < 0) {
      e = dev ? errno : EINVAL;
      stage = "open-blockdev";
    } else {
      if (strcmp(op, "read")) {
        for (size_t i = 0; i < len; i++) buf[i] = (char)(i * 7 + 3);
        stage = "pwrite";
        done = pwrite(bfd, buf, len, off);
        if (done < 0) e = errno;
      }
      if (!e && strcmp(op, "write")) {
        if (!strcmp(op, "roundtrip")) memset(buf, 0, len);
        stage = "pread";
        done = pread(bfd, buf, len, off);
        if (done < 0) e = errno;
        if (!e && !strcmp(op, "roundtrip")) {
          match = 1;
          for (size_t i = 0; i < len; i++)
            if (buf[i] != (char)(i * 7 + 3)) {
              match = 0;
              break;
            }
        }
      }
      close(bfd);
    }
  } else if (strcmp(op, "map")) {
    e = EINVAL;
    stage = "usage";
  }
  munmap(buf, len);
  close(fd);
  long after = read_available(bdf);
  int n = snprintf(extra, sizeof extra,
                   "\"stage\":\"%s\",\"bytes\":%zd,\"availableBefore\":%ld,\"availableMapped\":%ld,"
                   "\"availableAfter\":%ld",
                   stage, done, before, during, after);
  if (match >= 0) snprintf(extra + n, sizeof extra - (size_t)n, ",\"match\":%s", match ? "true" : "false");
  return report(NULL, 0, e, extra);
}

int main(int argc, char **argv) {
  if (argc < 2) return report(NULL, 0, EINVAL, "\"note\":\"usage\"");
  const char *cmd = argv[1];
  if (!strcmp(cmd, "read") && argc == 3) return do_read(argv[2]);
  if (!strcmp(cmd, "write") && argc == 4) return do_write_hex(argv[2], argv[3]);
  if (!strcmp(cmd, "write") && argc == 3) return do_write_hex(argv[2], "");
  if (!strcmp(cmd, "writes") && argc == 4) return do_write(argv[2], argv[3], strlen(argv[3]));
  if (!strcmp(cmd, "ls") && argc == 3) return do_ls(argv[2]);
  if (!strcmp(cmd, "mkdir") && argc == 3)
    return report(NULL, 0, mkdir(argv[2], 0755) < 0 ? errno : 0, NULL);
  if (!strcmp(cmd, "rmdir") && argc == 3) return report(NULL, 0, rmdir(argv[2]) < 0 ? errno : 0, NULL);
  if (!strcmp(cmd, "symlink") && argc == 4)
    return report(NULL, 0, symlink(argv[2], argv[3]) < 0 ? errno : 0, NULL);
  if (!strcmp(cmd, "p2pio")) return do_p2pio(argc - 2, argv + 2);
  return report(NULL, 0, EINVAL, "\"note\":\"usage\"");
}
