#!/usr/bin/env python3
"""fake_passnumd.py -- a stand-in for passnumd in front of the real one, for answers it cannot be made to give.

    fake_passnumd.py UPSTREAM MODEFILE LOGFILE

Listens on a free loopback port, prints "listening on http://127.0.0.1:PORT"
on standard output, and passes every request to UPSTREAM (the real
passnumd's URL) unchanged, signed headers and body included, except as
the first word of MODEFILE says at each request:

    pass        pass everything (also when MODEFILE is missing)
    suspended   answer every signed route 403 with code 4009, as a server
                does for a suspended terminal (trust and deny list pass)
    silent      read a POST /api/v1/redemptions whole, then close the
                connection without answering: a request sent, its answer
                lost
    refuse CODE answer each record of POST /api/v1/redemptions/batch 422
                with CODE and a French message, as the server refuses
                records dated wrong (4027) or outside their session (4028)

Each request is logged to LOGFILE as "METHOD PATH REDEMPTION_IDS" (the
redemption_id of each record in the body, comma-separated, or -).
"""
import http.server
import json
import sys
import urllib.error
import urllib.request

UPSTREAM, MODEFILE, LOGFILE = sys.argv[1:4]
PUBLIC = ("/api/v1/trust", "/api/v1/denylist", "/api/v1/themes", "/healthz")
MESSAGES = {
    4009: "ce poste est suspendu en attente de vérification (trop de clés "
          "de contrôle erronées) : le Département doit le réactiver",
    4027: "encaissement daté d'avant le dernier échange de ce poste avec "
          "le serveur, ou d'avant le délai hors ligne permis",
    4028: "chèque présenté en dehors des heures de la séance (d'une heure "
          "avant son début à une heure après sa fin)",
}


def mode():
    try:
        with open(MODEFILE, encoding="utf-8") as f:
            return f.read().split() or ["pass"]
    except OSError:
        return ["pass"]


def record_ids(body):
    try:
        doc = json.loads(body)
    except ValueError:
        return []
    if isinstance(doc, dict) and isinstance(doc.get("records"), list):
        return [r.get("redemption_id", "?") for r in doc["records"]
                if isinstance(r, dict)]
    if isinstance(doc, dict) and "redemption_id" in doc:
        return [doc["redemption_id"]]
    return []


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def refusal(self, status, code):
        return {"status": status, "code": code, "error": MESSAGES[code],
                "detail": "fake_passnumd"}

    def handle_any(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        path = self.path.split("?")[0]
        ids = record_ids(body)
        with open(LOGFILE, "a", encoding="utf-8") as log:
            log.write("%s %s %s\n" % (method, path, ",".join(ids) or "-"))
        m = mode()
        if m[0] == "suspended" and path not in PUBLIC:
            out = self.refusal(403, 4009)
            del out["status"]
            return self.answer(403, json.dumps(out).encode())
        if m[0] == "silent" and method == "POST" and \
                path == "/api/v1/redemptions":
            self.close_connection = True
            self.connection.close()
            return None
        if m[0] == "refuse" and path == "/api/v1/redemptions/batch":
            code = int(m[1])
            results = [self.refusal(422, code) for _ in ids]
            return self.answer(200, json.dumps({"results": results}).encode())
        req = urllib.request.Request(UPSTREAM + self.path, data=body or None,
                                     method=method)
        for name, value in self.headers.items():
            if name.lower() not in ("host", "content-length", "connection"):
                req.add_header(name, value)
        try:
            with urllib.request.urlopen(req, timeout=30) as rep:
                status, data = rep.status, rep.read()
                ctype = rep.headers.get("Content-Type", "application/json")
        except urllib.error.HTTPError as e:
            status, data = e.code, e.read()
            ctype = e.headers.get("Content-Type", "application/json")
        return self.answer(status, data, ctype)

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("listening on http://127.0.0.1:%d" % server.server_address[1],
          flush=True)
    server.serve_forever()


main()
