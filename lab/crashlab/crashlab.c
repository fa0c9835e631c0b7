/*
 * /init of the crash lab's initramfs: makes the Debian kernel panic in a chosen way, so that
 * QEMU can save its memory. The mode is the kernel argument crashlab=MODE:
 *   oom   vm.panic_on_oom=1, then touch memory until the OOM killer panics the kernel;
 *   hung  kernel.hung_task_panic=1, then a writer blocks uninterruptibly on a frozen ext4
 *         (loop device) until khungtaskd panics the kernel;
 *   null, bug, warn, gpf, softlockup
 *         load the lab's test module (module/crashlab_mod.c) with that mode, after
 *         kernel.panic_on_oops=1, kernel.panic_on_warn=1, kernel.softlockup_panic=1 and
 *         kernel.watchdog_thresh=1.
 * Every module it needs is in the initramfs root; /modules.list (written by crashlab.sh) names
 * those of the hung mode in dependency order.
 */
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void put(const char *path, const char *v) {
    int fd = open(path, O_WRONLY);
    if (fd < 0 || write(fd, v, strlen(v)) < 0) perror(path);
    if (fd >= 0) close(fd);
}

static void insmod(const char *name) {
    char path[128];
    snprintf(path, sizeof path, "/%s.ko", name);
    int fd = open(path, O_RDONLY);
    if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) != 0) perror(path);
    if (fd >= 0) close(fd);
}

/* The kernel's own list of loaded modules, onto the console before the crash: the truth a
 * report's module list is held to when the crash report prints none (OOM, hung task). */
static void print_modules(void) {
    FILE *m = fopen("/proc/modules", "r");
    char line[256];
    printf("crashlab: /proc/modules:\n");
    while (m && fgets(line, sizeof line, m)) printf("crashlab: %s", line);
    printf("crashlab: end of /proc/modules\n");
    fflush(stdout);
    if (m) fclose(m);
}

static void module_mode(const char *mode) {
    put("/proc/sys/kernel/panic_on_oops", "1");
    put("/proc/sys/kernel/panic_on_warn", "1");
    put("/proc/sys/kernel/softlockup_panic", "1");
    put("/proc/sys/kernel/watchdog_thresh", "1");
    print_modules();
    char params[64];
    snprintf(params, sizeof params, "mode=%s", mode);
    printf("crashlab: loading crashlab_mod %s\n", params);
    fflush(stdout);
    int fd = open("/crashlab_mod.ko", O_RDONLY);
    if (fd < 0 || syscall(SYS_finit_module, fd, params, 0) != 0) perror("crashlab: crashlab_mod");
}

static void oom(void) {
    put("/proc/sys/vm/panic_on_oom", "1");
    print_modules();
    printf("crashlab: eating memory\n");
    fflush(stdout);
    for (;;) {
        char *p = malloc(1 << 20);
        if (p) memset(p, 1, 1 << 20);
    }
}

static void hung(void) {
    /* The kernel's own modules, in load order: their names and places change between kernels. */
    FILE *list = fopen("/modules.list", "r");
    char name[64];
    while (list && fscanf(list, "%63s", name) == 1) insmod(name);
    if (list) fclose(list);
    int ctl = open("/dev/loop-control", O_RDWR);
    int n = ctl < 0 ? -1 : ioctl(ctl, LOOP_CTL_GET_FREE);
    char dev[32];
    snprintf(dev, sizeof dev, "/dev/loop%d", n);
    int loop = open(dev, O_RDWR);
    int img = open("/ext4.img", O_RDWR);
    if (loop < 0 || img < 0 || ioctl(loop, LOOP_SET_FD, img) != 0) { perror("crashlab: loop"); return; }
    mkdir("/mnt", 0755);
    if (mount(dev, "/mnt", "ext4", 0, "") != 0) { perror("crashlab: mount"); return; }
    int dir = open("/mnt", O_RDONLY);
    if (ioctl(dir, FIFREEZE, 0) != 0) { perror("crashlab: FIFREEZE"); return; }
    put("/proc/sys/kernel/hung_task_timeout_secs", "2");
    put("/proc/sys/kernel/hung_task_panic", "1");
    print_modules();
    printf("crashlab: writing to a frozen file system\n");
    fflush(stdout);
    if (fork() == 0) {
        int f = open("/mnt/blocked", O_WRONLY | O_CREAT, 0644);
        (void) f;
        _exit(0);
    }
    for (;;) pause();
}

int main(void) {
    mount("proc", "/proc", "proc", 0, 0);
    mount("devtmpfs", "/dev", "devtmpfs", 0, 0);
    /* The vmcoreinfo device needs the guest's qemu_fw_cfg driver to publish the note. */
    insmod("qemu_fw_cfg");
    char cmdline[1024] = {0};
    int c = open("/proc/cmdline", O_RDONLY);
    if (c >= 0) { read(c, cmdline, sizeof cmdline - 1); close(c); }
    if (strstr(cmdline, "crashlab=oom")) oom();
    if (strstr(cmdline, "crashlab=hung")) hung();
    const char *modes[] = {"null", "bug", "warn", "gpf", "softlockup"};
    for (unsigned i = 0; i < sizeof modes / sizeof *modes; i++) {
        char arg[32];
        snprintf(arg, sizeof arg, "crashlab=%s ", modes[i]);
        if (strstr(cmdline, arg)) module_mode(modes[i]);
    }
    printf("crashlab: unknown mode in \"%s\"\n", cmdline);
    for (;;) pause();
}
