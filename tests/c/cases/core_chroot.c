/* core_chroot: a program makes a base and adds a timer and a signal event,
 * then chroot()s into an empty directory before its loop first runs (the
 * privilege separation of opensmtpd, lldpd, dnsproxy): the library files are
 * out of reach from then on. The loop must still run, serve a TCP connection
 * and fork a child that chroots again and runs a loop of its own
 * (support/isolated.h). Needs root; exits 77 (skipped) otherwise. */
/* timeout: 30 */
#include "isolated.h"

int main(void)
{
	char dir[] = "/tmp/goevent-chroot-XXXXXX", sub[64];
	int ok, rc, oldroot;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("core_chroot", 25);
	if (geteuid() != 0) {
		printf("skipped: chroot needs root\n");
		return 77;
	}
	if (!mkdtemp(dir)) {
		printf("mkdtemp failed\n");
		return 1;
	}
	if (tc_iso_prepare() != 0) {
		printf("prepare failed\n");
		return 1;
	}
	oldroot = open("/", O_RDONLY | O_DIRECTORY);
	ok = chroot(dir) == 0 && chdir("/") == 0;
	printf("chrooted into an empty directory: %s\n", tc_yesno(ok));
	printf("/usr/lib reachable: %s\n", tc_yesno(access("/usr/lib", F_OK) == 0));
	if (!ok)
		return 1;
	rc = tc_iso_run("/child");
	/* back out (root may) to remove the directory and the child's in it */
	if (fchdir(oldroot) == 0 && chroot(".") == 0) {
		snprintf(sub, sizeof(sub), "%s/child", dir);
		rmdir(sub);
		rmdir(dir);
	}
	return rc;
}
