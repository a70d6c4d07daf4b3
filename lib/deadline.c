/*
 * deadline.c: the one deadline rule (tkt-record(5)).  A buyer message is
 * answered by the first MERCHANT reply after it; replies from Wish's
 * support or live chat do not stop the clock.
 */
#include <string.h>

#include "tkt.h"

int
tkt_sender_kind(const char *sender)
{
	if (sender == NULL)
		return TKT_S_OTHER;
	if (strcmp(sender, "USER") == 0)
		return TKT_S_USER;
	if (strcmp(sender, "MERCHANT") == 0)
		return TKT_S_MERCHANT;
	return TKT_S_OTHER;
}

time_t
tkt_waiting_since(const struct tkt_reply_ev *ev, size_t n, int awaiting)
{
	time_t since = (time_t)-1;

	if (!awaiting)
		return (time_t)-1;
	for (size_t i = 0; i < n; i++) {
		if (ev[i].sender == TKT_S_MERCHANT)
			since = (time_t)-1;
		else if (ev[i].sender == TKT_S_USER && since == (time_t)-1)
			since = ev[i].at;
	}
	return since;
}

void
tkt_answer_times(const struct tkt_reply_ev *ev, size_t n, time_t *answered)
{
	time_t next = (time_t)-1;

	/* Walk backwards: each message's answer is the next MERCHANT reply. */
	for (size_t i = n; i-- > 0;) {
		answered[i] = ev[i].sender == TKT_S_USER ? next : (time_t)-1;
		if (ev[i].sender == TKT_S_MERCHANT)
			next = ev[i].at;
	}
}

time_t
tkt_due_at(time_t waiting_since, int64_t sla)
{
	if (waiting_since == (time_t)-1)
		return (time_t)-1;
	/* An sla too long for a deadline in year 9999 is the last second. */
	if (sla > TKT_TIME_MAX - (int64_t)waiting_since)
		return (time_t)TKT_TIME_MAX;
	return waiting_since + (time_t)sla;
}

int
tkt_message_status(time_t at, time_t answered, int awaiting, time_t now,
    int64_t sla)
{
	/* "On time" is at most sla after the message: exactly 48 h is on time. */
	if (answered != (time_t)-1)
		return answered - at > (time_t)sla ? TKT_MSG_LATE : TKT_MSG_ONTIME;
	if (awaiting && now - at > (time_t)sla)
		return TKT_MSG_LATE;
	return TKT_MSG_PENDING;
}
