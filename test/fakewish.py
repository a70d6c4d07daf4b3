#!/usr/bin/env python3
"""fakewish.py: serves canned Wish API answers on loopback for tests of the
wire quirks that tkt-sandbox (which renders clean records) never sends.

usage: fakewish.py ROUTES  -- prints its origin on the first line.
ROUTES lines: ROUTE<TAB>STATUS<TAB>FILE[<TAB>Header: value;...]
A ROUTE without "?" matches a request whose path and query start with it.
A ROUTE with "?" matches a request to exactly that path whose query has
every parameter given (decoded, in any order, among others; "key=*" for
any value): list the most specific routes first, the first that matches
answers.  A route may
repeat: its answers are used in turn, the last one for ever after.
{ORIGIN} in a file is replaced by the origin.  FILE "-" answers an empty
body; "DROP" closes the connection at once; "V3STORE:TICKETS.jsonl" answers
as v3 does from those tickets (one v3 object a line): GET /api/v3/tickets
with states and types (arrays as repeated keys, states=A&states=B, the
OpenAPI default: a bracketed key, states[], is an unknown parameter and
ignored, as a strict server does, and a value that is not one of the
enum's, "A,B" among them, is refused with 400 and code 1000),
updated_at_min/_max (inclusive), sort_by updated_at (.desc or .asc) and
limit (default 50, 1 to 500), and GET /api/v3/tickets/ID.  Tickets that share an updated_at come in a different
order on every request, as nothing promises their order.  The header "X-Fake-Wait-For: PATH" is not sent: the
answer waits (10 s at most) until the file PATH exists.  Nor is
"X-Fake-Accept-Language: TAG": the route answers only requests sent with
"Accept-Language: TAG" ("-": without the header), so that one path may
answer by language (put those routes first; send "Content-Language: TAG"
with them as any other header).  Nor is
"X-Fake-Early: 1": the answer waits until the real clock is in the first
tenth of a second, so that a time written ahead has a known fraction.
In a header value, {FORM+SECONDS} is replaced at answer time by the real
clock SECONDS ahead (or behind, with -) in that form: UNIX (whole
seconds), UNIX_MS (milliseconds), HTTP_DATE (IMF-fixdate), ISO (RFC 3339,
whole seconds, Z), ISO_MS (milliseconds, Z), ISO_TZ (milliseconds, at
+01:00).  With $FAKEWISH_LOG set, each request is appended to that file
as a line: METHOD PATH STATUS BODY.  With $FAKEWISH_AUTH_LOG set, each
request is appended to that file as it arrives, as a line "METHOD PATH
AUTHORIZATION" (the Authorization header as sent, "-" when there is none).
"""
import datetime, email.utils, http.server, json, os, re, sys, threading, time, urllib.parse

routes = []
base = os.path.dirname(os.path.abspath(sys.argv[1]))
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    f = line.split("\t")
    hdrs = [h.split(": ", 1) for h in f[3].split(";")] if len(f) > 3 and f[3] else []
    routes.append([f[0], int(f[1]), f[2], hdrs])
used = {}
lists = 0
STATES = ("AWAITING_WISH", "AWAITING_USER", "AWAITING_MERCHANT", "CLOSED", "PERMANENTLY_CLOSED")
TYPES = ("ORDER", "PRE_PURCHASE", "POST_CUSTOMER_SUPPORT")
lock = threading.Lock()
logpath = os.environ.get("FAKEWISH_LOG")
authlog = os.environ.get("FAKEWISH_AUTH_LOG")


def stamp(m):
    """A {FORM+SECONDS} placeholder as the real clock now plus SECONDS."""
    form, t = m.group(1), time.time() + float(m.group(2))
    utc = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
    if form == "UNIX":
        return "%d" % int(t)
    if form == "UNIX_MS":
        return "%d" % int(t * 1000)
    if form == "HTTP_DATE":
        return email.utils.formatdate(t, usegmt=True)
    if form == "ISO":
        return utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    if form == "ISO_MS":
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (utc.microsecond // 1000)
    tz = utc.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    return tz.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d+01:00" % (tz.microsecond // 1000)


STAMP = re.compile(r"\{(UNIX_MS|UNIX|HTTP_DATE|ISO_MS|ISO_TZ|ISO)([+-][0-9.]+)\}")


def when(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def matches(route, path):
    if "?" not in route:
        return path.startswith(route)
    rpath, rq = route.split("?", 1)
    p = urllib.parse.urlsplit(path)
    if urllib.parse.unquote(p.path) != rpath:
        return False
    got = urllib.parse.parse_qsl(p.query, keep_blank_values=True)
    keys = [k for k, _ in got]
    return all(k in keys if v == "*" else (k, v) in got
               for k, v in urllib.parse.parse_qsl(rq, keep_blank_values=True))


def fake_lang(hdrs):
    """The X-Fake-Accept-Language of a route, or None."""
    return next((v for k, v in hdrs if k == "X-Fake-Accept-Language"), None)


def v3store(fname, path):
    """v3's tickets endpoints over the tickets of fname: (status, body)."""
    global lists
    lists += 1
    u = urllib.parse.urlsplit(path)
    q = urllib.parse.parse_qs(u.query)
    tickets = [json.loads(l) for l in open(os.path.join(base, fname), encoding="utf-8") if l.strip()]
    if u.path.startswith("/api/v3/tickets/"):
        tid = urllib.parse.unquote(u.path[len("/api/v3/tickets/"):])
        for t in tickets:
            if t["id"] == tid:
                return 200, {"code": 0, "data": t, "message": ""}
        return 400, {"code": 1004, "message": "No 'Ticket' Found with id: '%s'" % tid}
    try:
        limit = int(q.get("limit", ["50"])[0])
        assert 1 <= limit <= 500
        lo = when(q["updated_at_min"][0]) if "updated_at_min" in q else None
        hi = when(q["updated_at_max"][0]) if "updated_at_max" in q else None
        order = q.get("sort_by", ["updated_at.desc"])[0]
        assert order in ("updated_at", "updated_at.desc", "updated_at.asc")
    except (AssertionError, ValueError):
        return 400, {"code": 1000, "message": "Invalid parameter"}
    for key, enum in (("states", STATES), ("types", TYPES)):
        for v in q.get(key, []):
            if v not in enum:
                return 400, {"code": 1000, "message": "Invalid parameter '%s': '%s'" % (key, v)}
    sel = [t for t in tickets
           if ("states" not in q or t["state"] in q["states"])
           and ("types" not in q or t["type"] in q["types"])
           and (lo is None or when(t["updated_at"]) >= lo)
           and (hi is None or when(t["updated_at"]) <= hi)]
    sel.sort(key=lambda t: t["id"], reverse=lists % 2 == 0)
    sel.sort(key=lambda t: when(t["updated_at"]), reverse=order != "updated_at.asc")
    return 200, {"code": 0, "data": sel[:limit], "message": ""}


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def answer(self):
        if authlog:
            with lock, open(authlog, "a", encoding="utf-8") as f:
                f.write("%s %s %s\n" % (self.command, self.path,
                                        self.headers.get("Authorization") or "-"))
        n = int(self.headers.get("Content-Length") or 0)
        req = self.rfile.read(n) if n else b""
        lang = self.headers.get("Accept-Language") or "-"
        cands = [r for r in routes if matches(r[0], self.path)
                 and fake_lang(r[3]) in (None, lang)]
        if not cands:
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
        key = cands[0][0]
        same = [r for r in cands if r[0] == key]
        same = [r for r in same if fake_lang(r[3]) == fake_lang(same[0][3])]
        with lock:
            i = used.get(key, 0); used[key] = i + 1
            rid = sum(used.values())
        status, fname, hdrs = same[min(i, len(same) - 1)][1:]
        if logpath:
            with lock, open(logpath, "a", encoding="utf-8") as f:
                f.write("%s %s %d %s\n" % (self.command, self.path, status,
                        req.decode("utf-8", "replace").replace("\n", " ")))
        if fname == "DROP":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if fname.startswith("V3STORE:"):
            status, obj = v3store(fname[8:], self.path)
            body = json.dumps(obj, ensure_ascii=False).encode()
        else:
            body = b"" if fname == "-" else open(os.path.join(base, fname), "rb").read()
        body = body.replace(b"{ORIGIN}", origin.encode())
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Wish-Request-Id", "req-%d" % rid)
        if any(k == "X-Fake-Early" for k, _ in hdrs):
            time.sleep((1 - time.time() % 1) % 1)
        for k, v in hdrs:
            if k == "X-Fake-Accept-Language":
                continue
            if k == "X-Fake-Wait-For":
                for _ in range(400):
                    if os.path.exists(v):
                        break
                    time.sleep(0.025)
            elif k != "X-Fake-Early":
                self.send_header(k, STAMP.sub(stamp, v))
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST = do_PUT = answer

# Python listens with a backlog of 5: a client opening 8 connections at
# once would see some wait a second for their SYN to be sent again.
http.server.ThreadingHTTPServer.request_queue_size = 64
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
origin = "http://127.0.0.1:%d" % srv.server_address[1]
print(origin, flush=True)
srv.serve_forever()
