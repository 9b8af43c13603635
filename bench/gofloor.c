/*
 * gofloor.c - the reference program of the rows go_floor_start and
 * go_floor_exit (bench/run.sh): built plain ("real") and built calling one
 * function of an otherwise empty Go c-shared library (-DGOFLOOR, "ours";
 * bench/gofloor/gofloor.go), so the difference is what starting and ending
 * a Go runtime in a C process costs, whatever the library does.
 *
 * It prints "LAST <CLOCK_MONOTONIC ns>" (spawn exit's stamp) and returns.
 */
#include <stdio.h>
#include <time.h>

#ifdef GOFLOOR
extern int gofloor_call(void);
#endif

int main(void)
{
#ifdef GOFLOOR
	if (gofloor_call() != 42)
		return 1;
#endif
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("LAST %lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	return fflush(stdout) == 0 ? 0 : 1;
}
