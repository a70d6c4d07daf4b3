/*
 * wish3_refund.c: what API v3 says of refunds.  A refund is asynchronous:
 * PUT /api/v3/orders/ID/refund answers with the order as it is at that
 * moment (processing_source REFUND, processing_status IN_PROGRESS); a
 * later read shows SUCCEEDED (and the state REFUNDED, a new refunds[]
 * entry) or FAILED.  The processing fields may stay empty: then only the
 * state and refunds[] tell.  Wish refunds an order only for a reason of
 * its RefundReason list, which the ticket's refund_reason list overlaps
 * in eight values.
 */
#include <string.h>

#include "tkt.h"
#include "tkt_priv.h"

static const char *const order_reasons[] = {
	"UNABLE_TO_SHIP", "ITEM_RETURNED_TO_SENDER", "ITEM_IS_DAMAGED",
	"SHIPPING_TAKING_TOO_LONG", "ITEM_DOES_NOT_FIT", "RECEIVED_WRONG_ITEM",
	"ITEM_IS_COUNTERFEIT", "ITEM_DOES_NOT_WORK_AS_DESCRIBED",
	"ITEM_DOES_NOT_MATCH_LISTING",
	"ITEM_MARKED_DELIVERED_BUT_DID_NOT_ARRIVE",
	"MERCHANT_SENT_TO_WRONG_ADDRESS", "REPLACEMENT_NEVER_RECEIVED",
	"WRONG_COLOR", "ITEM_IS_POOR_QUALITY", "INCOMPLETE_ORDER",
	"MERCHANT_OUT_OF_STOCK", "EMPTY_PACKAGE", "PRODUCT_LISTING_MISSING_INFO",
	"ITEM_DID_NOT_MEET_EXPECTATIONS", "RECEIVED_NOTE_FROM_MERCHANT",
	"MERCHANT_REPORTED_ORDER", "MERCHANT_REPORTED_BUYER_FRAUD", NULL
};

/* The values of a ticket's refund_reason that the orders' list lacks. */
static const char *const ticket_only[] = {
	"OTHER", "USER_NO_LONGER_WANTS_ITEM", "USER_PLACED_ORDER_BY_MISTAKE",
	"ITEM_NEVER_ARRIVED", NULL
};

int
tkt_wish3_refund_reason(const char *reason)
{
	if (tkt_wish_enum(order_reasons, reason) != NULL)
		return TKT_RR_ORDER;
	if (tkt_wish_enum(ticket_only, reason) != NULL)
		return TKT_RR_TICKET;
	/* v2's vocabulary: codes of digits ("19"). */
	if (*reason != '\0' && reason[strspn(reason, "0123456789")] == '\0')
		return TKT_RR_FOREIGN;
	return TKT_RR_NONE;
}

static int
str_is(const struct tkt_rec *r, const struct tkt_jnode *o, const char *key,
    const char *val)
{
	struct tkt_sv v = tkt_wish_str(r, o, key, 1);

	return v.s != NULL && v.n == strlen(val) && memcmp(v.s, val, v.n) == 0;
}

void
tkt_wish3_refund(const struct tkt_rec *r, const struct tkt_jnode *o,
    struct tkt_refund_view *v)
{
	static const char *const st[] = { "IN_PROGRESS", "SUCCEEDED", "FAILED" };
	const struct tkt_jnode *rf;

	memset(v, 0, sizeof(*v));
	if (o == NULL || o->type != TKT_J_OBJECT)
		return;
	v->refunded = str_is(r, o, "state", "REFUNDED");
	v->processing = tkt_wish_str(r, o, "processing_status", 1).s != NULL;
	if (str_is(r, o, "processing_source", "REFUND"))
		for (int i = 0; i < 3; i++)
			if (str_is(r, o, "processing_status", st[i]))
				v->status = TKT_RF_IN_PROGRESS + i;
	rf = tkt_rec_get(r, o, "refunds");
	if (rf != NULL && rf->type == TKT_J_ARRAY)
		v->nrefunds = (long)rf->nchild;
}
