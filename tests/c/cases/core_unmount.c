/* core_unmount: the directory the libevent libraries were loaded from is
 * unmounted (in a private mount namespace) after the program made a base and
 * added a timer and a signal event, before its loop first runs -- as when
 * a daemon's mount namespace changes or the files are replaced on upgrade.
 * The loop must still run, serve a TCP connection and fork a child that
 * chroots and runs a loop of its own (support/isolated.h).
 *
 * Stage 1 enters a private mount namespace, mounts a tmpfs, copies every
 * libevent library this process mapped into it (under their sonames) and
 * re-executes itself with LD_LIBRARY_PATH pointing there. Stage 2 checks it
 * runs on those copies, prepares, unmounts the tmpfs, then runs the scenario.
 * Needs root (unshare, mount); exits 77 (skipped) otherwise. */
/* timeout: 30 */
#define _GNU_SOURCE
#include "isolated.h"

#include <sched.h>
#include <sys/mount.h>

/* Copies the file at path to dir/name. 0 or -1. */
static int copy_file(const char *path, const char *dir, const char *name)
{
	char to[512], buf[65536];
	ssize_t n;
	int in, out, rc = 0;
	snprintf(to, sizeof(to), "%s/%s", dir, name);
	in = open(path, O_RDONLY);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (in < 0 || out < 0)
		rc = -1;
	while (rc == 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			rc = -1;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

/* Copies each mapped library whose name starts with "libevent" or
 * "libgoevent" into dir as NAME.so.7 (its soname), and counts them. */
static int copy_mapped_libraries(const char *dir)
{
	char line[1024], done[4096] = "";
	int copied = 0;
	FILE *maps = fopen("/proc/self/maps", "r");
	if (!maps)
		return -1;
	while (fgets(line, sizeof(line), maps)) {
		char *path = strchr(line, '/'), *base, *so, name[256];
		if (!path)
			continue;
		path[strcspn(path, "\n")] = 0;
		base = strrchr(path, '/') + 1;
		if (strncmp(base, "libevent", 8) != 0 && strncmp(base, "libgoevent", 10) != 0)
			continue;
		so = strstr(base, ".so.");
		if (!so)
			continue;
		snprintf(name, sizeof(name), "%.*s.so.7", (int)(so - base), base);
		if (strstr(done, name))
			continue;
		if (copy_file(path, dir, name) != 0) {
			fclose(maps);
			return -1;
		}
		strncat(done, name, sizeof(done) - strlen(done) - 2);
		strcat(done, " ");
		copied++;
	}
	fclose(maps);
	return copied;
}

/* 1 if every mapped libevent library comes from dir. */
static int libraries_from(const char *dir)
{
	char line[1024];
	int seen = 0, elsewhere = 0;
	FILE *maps = fopen("/proc/self/maps", "r");
	if (!maps)
		return 0;
	while (fgets(line, sizeof(line), maps)) {
		char *path = strchr(line, '/'), *base;
		if (!path)
			continue;
		base = strrchr(path, '/') + 1;
		if (strncmp(base, "libevent", 8) != 0)
			continue;
		seen = 1;
		if (strncmp(path, dir, strlen(dir)) != 0 || path[strlen(dir)] != '/')
			elsewhere = 1;
	}
	fclose(maps);
	return seen && !elsewhere;
}

static int stage1(char **argv)
{
	char dir[] = "/tmp/goevent-unmount-XXXXXX";
	int n;

	if (geteuid() != 0) {
		printf("skipped: unshare and mount need root\n");
		return 77;
	}
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		printf("skipped: no private mount namespace here (%s)\n", strerror(errno));
		return 77;
	}
	if (!mkdtemp(dir) || mount("goevent-test", dir, "tmpfs", 0, "size=64m") != 0) {
		printf("tmpfs mount failed: %s\n", strerror(errno));
		return 1;
	}
	n = copy_mapped_libraries(dir);
	printf("libraries copied to a private tmpfs: %s\n", tc_yesno(n > 0));
	if (n <= 0)
		return 1;
	setenv("LD_LIBRARY_PATH", dir, 1);
	fflush(stdout);
	execl("/proc/self/exe", argv[0], "stage2", dir, (char *)NULL);
	printf("re-exec failed: %s\n", strerror(errno));
	return 1;
}

static int stage2(const char *dir)
{
	char probe[512], child[] = "/tmp/goevent-unmount-child-XXXXXX";
	int rc;

	printf("running on the copies: %s\n", tc_yesno(libraries_from(dir)));
	if (tc_iso_prepare() != 0) {
		printf("prepare failed\n");
		return 1;
	}
	rc = umount2(dir, MNT_DETACH);
	snprintf(probe, sizeof(probe), "%s/libevent-2.1.so.7", dir);
	printf("library directory unmounted: %s\n", tc_yesno(rc == 0 && access(probe, F_OK) != 0));
	rmdir(dir);
	if (!mkdtemp(child))
		return 1;
	rc = tc_iso_run(child);
	rmdir(child);
	return rc;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("core_unmount", 25);
	if (argc == 3 && strcmp(argv[1], "stage2") == 0)
		return stage2(argv[2]);
	return stage1(argv);
}
