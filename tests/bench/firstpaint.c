/* First-paint probe for tests/bench/app.sh: waits until the X screen shows rendered text.
 * "Rendered text" = more than THRESHOLD distinct colours on the whole root window (antialiased
 * glyphs); an empty screen, a blank window or a flat background have only a few. This is the
 * test the earlier ImageMagick loop (`import -window root` + `identify -format %k`) made, but one
 * such capture took ~0.3 s of CPU on this machine: too coarse, and it slowed the app it timed.
 * Here a capture (MIT-SHM, no copy over the socket) takes a few ms, every 10 ms.
 * Usage: firstpaint START_EPOCH_US [TIMEOUT_MS] [THRESHOLD]
 * Prints the milliseconds from START (taken just before the app's exec) to the start of the
 * first capture that showed text, or "timeout" (exit 1). */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static long long now_us(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return (long long)tv.tv_sec * 1000000LL + tv.tv_usec;
}

/* Number of distinct pixel values, counting no further than limit + 1. */
static int distinct(XImage *img, int limit) {
  unsigned long seen[64];
  int n = 0;
  if (img->bits_per_pixel == 32) {
    for (int y = 0; y < img->height; y++) {
      const uint32_t *row = (const uint32_t *)(img->data + (long)y * img->bytes_per_line);
      for (int x = 0; x < img->width; x++) {
        unsigned long p = row[x] & 0xffffffu;
        int known = 0;
        for (int i = 0; i < n; i++) if (seen[i] == p) { known = 1; break; }
        if (!known) {
          seen[n++] = p;
          if (n > limit) return n;
        }
      }
    }
    return n;
  }
  for (int y = 0; y < img->height; y++) {
    for (int x = 0; x < img->width; x++) {
      unsigned long p = XGetPixel(img, x, y);
      int known = 0;
      for (int i = 0; i < n; i++) if (seen[i] == p) { known = 1; break; }
      if (!known) {
        seen[n++] = p;
        if (n > limit) return n;
      }
    }
  }
  return n;
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: firstpaint START_EPOCH_US [TIMEOUT_MS] [THRESHOLD]\n"); return 2; }
  long long start = atoll(argv[1]);
  long long timeout_us = (argc > 2 ? atoll(argv[2]) : 20000) * 1000LL;
  int threshold = argc > 3 ? atoi(argv[3]) : 16;
  if (threshold < 1 || threshold > 60) threshold = 16;
  Display *dpy = XOpenDisplay(NULL);
  if (!dpy) { fprintf(stderr, "firstpaint: cannot open display\n"); return 2; }
  Window root = DefaultRootWindow(dpy);
  XWindowAttributes attrs;
  XGetWindowAttributes(dpy, root, &attrs);
  /* Shared memory capture when the server offers it (Xvfb does): no 4 MB copy over the socket. */
  XShmSegmentInfo shm;
  XImage *shared = NULL;
  if (XShmQueryExtension(dpy)) {
    shared = XShmCreateImage(dpy, attrs.visual, attrs.depth, ZPixmap, NULL, &shm, attrs.width, attrs.height);
    if (shared) {
      shm.shmid = shmget(IPC_PRIVATE, (size_t)shared->bytes_per_line * shared->height, IPC_CREAT | 0600);
      shm.shmaddr = shared->data = shm.shmid >= 0 ? shmat(shm.shmid, NULL, 0) : (char *)-1;
      shm.readOnly = False;
      if (shm.shmid < 0 || shm.shmaddr == (char *)-1 || !XShmAttach(dpy, &shm)) {
        if (shm.shmid >= 0) shmctl(shm.shmid, IPC_RMID, NULL);
        shared = NULL;
      } else {
        XSync(dpy, False);
        shmctl(shm.shmid, IPC_RMID, NULL); /* freed once both sides detach */
      }
    }
  }
  struct timespec pause = {0, 10 * 1000 * 1000};
  for (;;) {
    long long taken = now_us();
    int n = -1;
    if (shared) {
      if (XShmGetImage(dpy, root, shared, 0, 0, AllPlanes)) n = distinct(shared, threshold);
    } else {
      XImage *img = XGetImage(dpy, root, 0, 0, attrs.width, attrs.height, AllPlanes, ZPixmap);
      if (img) {
        n = distinct(img, threshold);
        XDestroyImage(img);
      }
    }
    if (n > threshold) {
      printf("%lld\n", (taken - start + 500) / 1000);
      XCloseDisplay(dpy);
      return 0;
    }
    if (now_us() - start >= timeout_us) break;
    nanosleep(&pause, NULL);
  }
  printf("timeout\n");
  XCloseDisplay(dpy);
  return 1;
}
