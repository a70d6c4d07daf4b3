#!/usr/bin/env python3
"""fakewish.py: serves canned Wish API answers on loopback for tests of the
v2 wire quirks that tkt-sandbox (which renders clean records) never sends.

usage: fakewish.py ROUTES  -- prints its origin on the first line.
ROUTES lines: PATH-PREFIX<TAB>STATUS<TAB>FILE[<TAB>Header: value;...]
A path prefix (with query) may repeat: its answers are used in turn, the
last one for ever after.  {ORIGIN} in a file is replaced by the origin.
FILE "-" answers an empty body; "DROP" closes the connection at once.
"""
import http.server, os, sys

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

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        cands = [r for r in routes if self.path.startswith(r[0])]
        if not cands:
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
        key = cands[0][0]
        same = [r for r in cands if r[0] == key]
        i = used.get(key, 0); used[key] = i + 1
        status, fname, hdrs = same[min(i, len(same) - 1)][1:]
        if fname == "DROP":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        body = b"" if fname == "-" else open(os.path.join(base, fname), "rb").read()
        body = body.replace(b"{ORIGIN}", origin.encode())
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Wish-Request-Id", "req-%d" % sum(used.values()))
        for k, v in hdrs:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST = do_PUT = answer

srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
origin = "http://127.0.0.1:%d" % srv.server_address[1]
print(origin, flush=True)
srv.serve_forever()
