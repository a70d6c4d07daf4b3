/*
 * id.c: what a ticket or order id may look like before it goes into a
 * URL or a form body; shared by every tool that reads ids.
 */
#include <stddef.h>

#include "tkt.h"

int
tkt_id_valid(const char *s, size_t n)
{
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f ||
		    s[i] == '&' || s[i] == '?' || s[i] == '#' || s[i] == '/')
			return 0;
	return 1;
}
