/* First-paint probe for tests/bench/app.sh: waits until the X screen shows rendered text, then
 * (optionally) watches it settle.
 * "Rendered text" = more than THRESHOLD distinct colours on the whole root window (antialiased
 * glyphs); an empty screen, a blank window or a flat background have only a few. This is the
 * test the earlier ImageMagick loop (`import -window root` + `identify -format %k`) made, but one
 * such capture took ~0.3 s of CPU on this machine: too coarse, and it slowed the app it timed.
 * Here a capture (MIT-SHM, no copy over the socket) takes a few ms, every 10 ms.
 * Usage: firstpaint START_EPOCH_US [TIMEOUT_MS] [THRESHOLD] [SETTLE_MS] [FIRST_PAINT.ppm]
 * Prints the milliseconds from START (taken just before the app's exec) to the start of the
 * first capture that showed text, or "timeout" (exit 1). With SETTLE_MS, it goes on capturing
 * for SETTLE_MS after that first paint and also prints when the screen last changed in that
 * window ("visually complete": the first capture identical to the last one). A first paint can
 * be a partial page; this second figure says when the whole first screen was drawn (a screen
 * that never stops changing, such as a blinking caret, reads as about SETTLE_MS). With a
 * fifth argument, the capture that showed the first paint is written there (binary PPM). */
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

/* One pixel's colour: read straight from the 32-bit buffer (Xvfb's, and the usual case), else
 * through Xlib. The alpha byte is left out: it says nothing about what is on screen. */
static unsigned long colour_at(XImage *img, int x, int y) {
  if (img->bits_per_pixel == 32)
    return ((const uint32_t *)(img->data + (long)y * img->bytes_per_line))[x] & 0xffffffu;
  return XGetPixel(img, x, y);
}

/* FNV-1a over the pixels' colours: two captures with the same hash show the same screen. A few
 * milliseconds for 1280x800, so the watch barely loads the machine. */
static uint64_t screen_hash(XImage *img) {
  uint64_t h = 1469598103934665603ULL;
  for (int y = 0; y < img->height; y++)
    for (int x = 0; x < img->width; x++) h = (h ^ colour_at(img, x, y)) * 1099511628211ULL;
  return h;
}

/* Writes a capture as a binary PPM, to see what the first paint showed: only the usual
 * 32-bit 0xRRGGBB layout (Xvfb's); anything else is skipped. */
static void save_ppm(const XImage *img, const char *path) {
  if (img->bits_per_pixel != 32 || img->red_mask != 0xff0000 || img->green_mask != 0xff00 ||
      img->blue_mask != 0xff)
    return;
  FILE *out = fopen(path, "wb");
  if (!out) return;
  unsigned char *line = malloc((size_t)img->width * 3);
  if (!line) { fclose(out); return; }
  fprintf(out, "P6\n%d %d\n255\n", img->width, img->height);
  for (int y = 0; y < img->height; y++) {
    const uint32_t *row = (const uint32_t *)(img->data + (long)y * img->bytes_per_line);
    for (int x = 0; x < img->width; x++) {
      line[3 * x] = (row[x] >> 16) & 0xff;
      line[3 * x + 1] = (row[x] >> 8) & 0xff;
      line[3 * x + 2] = row[x] & 0xff;
    }
    fwrite(line, 3, (size_t)img->width, out);
  }
  free(line);
  fclose(out);
}

/* Number of distinct colours, counting no further than limit + 1. */
static int distinct(XImage *img, int limit) {
  unsigned long seen[64];
  int n = 0;
  for (int y = 0; y < img->height; y++) {
    for (int x = 0; x < img->width; x++) {
      unsigned long p = colour_at(img, x, y);
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
  if (argc < 2) { fprintf(stderr, "usage: firstpaint START_EPOCH_US [TIMEOUT_MS] [THRESHOLD] [SETTLE_MS] [FIRST_PAINT.ppm]\n"); return 2; }
  long long start = atoll(argv[1]);
  long long timeout_us = (argc > 2 ? atoll(argv[2]) : 20000) * 1000LL;
  int threshold = argc > 3 ? atoi(argv[3]) : 16;
  if (threshold < 1 || threshold > 60) threshold = 16;
  long long settle_us = (argc > 4 ? atoll(argv[4]) : 0) * 1000LL;
  const char *dump = argc > 5 ? argv[5] : NULL;
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
  long long first_paint = -1, last_change = -1;
  uint64_t last_hash = 0;
  for (;;) {
    long long taken = now_us();
    int n = -1;
    uint64_t hash = 0;
    if (shared) {
      if (XShmGetImage(dpy, root, shared, 0, 0, AllPlanes)) {
        n = first_paint >= 0 ? 0 : distinct(shared, threshold);
        if (settle_us > 0 && (first_paint >= 0 || n > threshold)) hash = screen_hash(shared);
        if (dump && first_paint < 0 && n > threshold) save_ppm(shared, dump);
      }
    } else {
      XImage *img = XGetImage(dpy, root, 0, 0, attrs.width, attrs.height, AllPlanes, ZPixmap);
      if (img) {
        n = first_paint >= 0 ? 0 : distinct(img, threshold);
        if (settle_us > 0 && (first_paint >= 0 || n > threshold)) hash = screen_hash(img);
        if (dump && first_paint < 0 && n > threshold) save_ppm(img, dump);
        XDestroyImage(img);
      }
    }
    if (first_paint < 0 && n > threshold) {
      first_paint = last_change = taken;
      last_hash = hash;
      if (settle_us <= 0) {
        printf("%lld\n", (first_paint - start + 500) / 1000);
        XCloseDisplay(dpy);
        return 0;
      }
    } else if (first_paint >= 0) {
      /* A failed capture (n < 0) says nothing about change. */
      if (n >= 0 && hash != last_hash) {
        last_hash = hash;
        last_change = taken;
      }
    }
    if (first_paint >= 0) {
      if (taken - first_paint >= settle_us) {
        printf("%lld %lld\n", (first_paint - start + 500) / 1000, (last_change - start + 500) / 1000);
        XCloseDisplay(dpy);
        return 0;
      }
      nanosleep(&pause, NULL);
      continue;
    }
    if (now_us() - start >= timeout_us) break;
    nanosleep(&pause, NULL);
  }
  printf("timeout\n");
  XCloseDisplay(dpy);
  return 1;
}
