#!/usr/bin/env python3
"""A webhook receiver for tests, written as an integrator would write one with the standard library.
Listens on a free loopback port (printed as "port N") and appends one JSON line per request to --out.

Each path is one endpoint; its secret is read, at each request, from <--secrets>/<name>.secret (the
path without its slash), so a test can register the endpoint first and hand over the secret after.
The Amparo-Signature header (t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">) is checked in
constant time, with the timestamp within --tolerance seconds of the receiver's clock. A request whose
signature does not check is answered 401. A path named in --fail answers 503 to its first N requests
(name:N), so the sender's retries can be seen.
"""
import argparse
import hashlib
import hmac
import json
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def check_signature(secret, header, body, tolerance):
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--secrets", required=True)
    parser.add_argument("--tolerance", type=int, default=300)
    parser.add_argument("--fail", action="append", default=[])
    args = parser.parse_args()
    failures = {name: int(count) for name, count in (f.split(":") for f in args.fail)}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            name = self.path.strip("/")
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            secret_file = os.path.join(args.secrets, f"{name}.secret")
            secret = open(secret_file, encoding="utf-8").read().strip() if os.path.exists(secret_file) else ""
            valid = bool(secret) and check_signature(
                secret, self.headers.get("Amparo-Signature", ""), body, args.tolerance)
            failing = failures.get(name, 0) > 0
            if failing:
                failures[name] -= 1
            status = 401 if not valid else 503 if failing else 200
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            with open(args.out, "a", encoding="utf-8") as out:
                out.write(json.dumps({
                    "path": self.path,
                    "signature_valid": valid,
                    "status": status,
                    "event": self.headers.get("Amparo-Event"),
                    "delivery": self.headers.get("Amparo-Delivery"),
                    "content_type": self.headers.get("Content-Type"),
                    "raw": body.decode("utf-8", "replace"),
                    "body": parsed,
                }) + "\n")
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
