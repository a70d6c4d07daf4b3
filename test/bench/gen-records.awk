# gen-records.awk: N deterministic tkt records of about 750 bytes each
# (buyer, two orders, a reply), for test/bench/template.sh.
#   awk -v n=200000 -f gen-records.awk
#   awk -v n=200000 -v half=1 -f gen-records.awk
# With half=1, every other record has a type and sub-label that the
# shipped templates answer, and the rest one that none answers.
function rnd(m) { seed = (seed * 1103515245 + 12345) % 2147483648; return int(seed / 65536) % m }
BEGIN {
	seed = 42
	split("en fr fr-CA de es it pt ja", loc, " ")
	split("Zoé Martin|Jürgen Groß|Ana Núñez|Luca Rossi|Mary O'Brien|Sam *Lee*", name, "|")
	split("ORDER POST_CUSTOMER_SUPPORT ORDER POST_CUSTOMER_SUPPORT PRE_PURCHASE", type, " ")
	# Mostly the sub-labels the shipped templates answer, some they do not.
	split("Where Is My Order|Item Not Received|Item Damaged|Tracking Request|Shipping Delay|Size Question", subl, "|")
	# half=1: pairs answered (odd records) and not answered (even ones).
	split("ORDER|Item Damaged,ORDER|Where Is My Order,POST_CUSTOMER_SUPPORT|Shipping Delay,POST_CUSTOMER_SUPPORT|Tracking Request", yes, ",")
	split("ORDER|Size Question,PRE_PURCHASE|Where Is My Order,POST_CUSTOMER_SUPPORT|Item Damaged,PRE_PURCHASE|Size Question", no, ",")
	for (i = 1; i <= n; i++) {
		l = loc[rnd(8) + 1]; t = type[rnd(5) + 1]; s = subl[rnd(6) + 1]
		if (half) {
			p = i % 2 ? yes[rnd(4) + 1] : no[rnd(4) + 1]
			t = substr(p, 1, index(p, "|") - 1); s = substr(p, index(p, "|") + 1)
		}
		printf "{\"id\":\"5f3c%08d\",\"store\":\"main\",\"api\":\"v2\",\"type\":\"%s\",\"type_inferred\":true,", i, t
		printf "\"state\":\"AWAITING_MERCHANT\",\"subject\":\"Where is my order %d?\",\"label\":null,\"sub_label\":\"%s\",", i, s
		printf "\"refund_reason\":null,\"opened_at\":\"2026-11-20T10:00:00Z\",\"updated_at\":\"2026-11-22T08:30:00Z\",\"closed_at\":null,\"closed_by\":null,"
		printf "\"locale\":\"%s\",\"buyer\":{\"id\":\"b%d\",\"name\":\"%s\",\"locale\":\"%s\"},", l, i, name[rnd(6) + 1], l
		printf "\"orders\":[{\"id\":\"o%da\",\"product_name\":\"Cotton T_shirt [XL]\",\"price\":\"6.69\",\"quantity\":2,\"tracking_number\":\"LP%010d\"},", i, i
		printf "{\"id\":\"o%db\",\"product_name\":\"Caf\\u00e9 mug\",\"price\":\"12.00\",\"quantity\":1,\"tracking_number\":null}],", i
		printf "\"replies\":[{\"sender\":\"USER\",\"at\":\"2026-11-22T08:30:00Z\",\"message\":\"My parcel has not arrived yet.\",\"translated_message\":null,\"images\":[]}],"
		printf "\"waiting_since\":\"2026-11-22T08:30:00Z\",\"due_at\":\"2026-11-24T08:30:00Z\",\"csat\":null}\n"
	}
}
