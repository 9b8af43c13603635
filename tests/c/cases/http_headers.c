/* http_headers: struct evkeyvalq header lists a program builds and walks
 * itself (TAILQ_INIT, TAILQ_FOREACH): evhttp_add_header (order kept,
 * duplicates kept, keys with CR/LF refused, values with line breaks
 * accepted only as folds), evhttp_find_header (first match, any case),
 * evhttp_remove_header (first match only; -1 when absent),
 * evhttp_clear_headers; strings are copies. */
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <string.h>
#include <sys/queue.h>

#include "testcase.h"
#include "httptest.h"

static void dump(const char *label, struct evkeyvalq *q)
{
	struct evkeyval *kv;
	printf("%s:", label);
	TAILQ_FOREACH(kv, q, next) {
		printf(" ");
		ht_print_str(kv->key);
		printf(":");
		ht_print_str(kv->value);
	}
	printf("\n");
}

int main(void)
{
	tc_alarm("http_headers", 10);
	struct evkeyvalq q;
	TAILQ_INIT(&q);
	char key[16] = "Host", val[16] = "example.com";
#define ADD(k, v) do { int r_ = evhttp_add_header(&q, (k), (v)); printf("add("); ht_print_str(k); printf(", "); ht_print_str(v); printf(") = %d\n", r_); } while (0)
	ADD(key, val);
	strcpy(key, "XXXX");
	strcpy(val, "changed");
	ADD("Content-Type", "text/plain");
	ADD("X-Dup", "one");
	ADD("x-dup", "two");
	ADD("Empty", "");
	ADD("", "empty key");
	ADD("Bad\rKey", "v");
	ADD("Bad\nKey", "v");
	ADD("K", "v\r\n w");
	ADD("K", "v\n\tw");
	ADD("K", "v\r\nw");
	ADD("K", "v\rw");
	ADD("K", "v\r\n");
	ADD("K", "v\n");
	ADD("K", "v\r\n \r\n x");
	ADD("K", "a\r\n\r\n\tb");
	ADD("Sp ace", "x y");
	ADD("Colon:", "x");
	ADD("\xc3\xa9", "\xff");
	dump("list", &q);
#define FIND(k) do { const char *v_ = evhttp_find_header(&q, (k)); printf("find("); ht_print_str(k); printf(") = "); ht_print_str(v_); printf("\n"); } while (0)
	FIND("host");
	FIND("HOST");
	FIND("X-DUP");
	FIND("missing");
	FIND("");
	FIND("Host ");
	FIND("Colon:");
#define REMOVE(k) do { int r_ = evhttp_remove_header(&q, (k)); printf("remove("); ht_print_str(k); printf(") = %d\n", r_); } while (0)
	REMOVE("x-DUP");
	FIND("x-dup");
	REMOVE("missing");
	REMOVE("Host");
	REMOVE("Sp ace");
	dump("after removes", &q);
	ADD("Last", "1");
	dump("appended", &q);
	evhttp_clear_headers(&q);
	dump("cleared", &q);
	printf("empty: %s\n", tc_yesno(TAILQ_EMPTY(&q)));
	ADD("After", "clear");
	REMOVE("After");
	printf("empty again: %s last-ok: %s\n", tc_yesno(TAILQ_EMPTY(&q)), tc_yesno(q.tqh_last == &q.tqh_first));
	evhttp_clear_headers(&q);
	printf("done\n");
	return 0;
}
