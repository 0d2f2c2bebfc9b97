"""A webhook receiver for the end-to-end tests: verifies every request with the PyPI package `standardwebhooks`
(an implementation independent of Provisio's) and appends what it got, one JSON line per request, to a file.

    python receiver.py --secret-file S --record R --port-file P [--delay-ms N]

The secret file holds the `whsec_` secret(s), one per line (read on every request: the test writes it after
creating the webhook). Until it exists, requests are answered 503. It listens on 127.0.0.1 on a free port, which
it writes to the port file.
"""

import argparse
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

lock = threading.Lock()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--secret-file", required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--delay-ms", type=int, default=0)
    args = parser.parse_args()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            try:
                with open(args.secret_file) as f:
                    secrets = [line.strip() for line in f if line.strip()]
            except FileNotFoundError:
                secrets = []
            if not secrets:
                return self.answer(503)
            headers = {k.lower(): v for k, v in self.headers.items()}
            verified_by = []
            for index, secret in enumerate(secrets):
                try:
                    Webhook(secret).verify(body, headers)
                    verified_by.append(index)
                except WebhookVerificationError:
                    pass
            record = {
                "id": headers.get("webhook-id"),
                "timestamp": headers.get("webhook-timestamp"),
                "signatures": len(headers.get("webhook-signature", "").split()),
                "contentType": headers.get("content-type"),
                "verified": bool(verified_by),
                "verifiedBy": verified_by,
                "body": body.decode("utf-8", "replace"),
            }
            with lock:
                with open(args.record, "a") as f:
                    f.write(json.dumps(record) + "\n")
            if args.delay_ms:
                time.sleep(args.delay_ms / 1000)
            self.answer(204 if verified_by else 400)

        def answer(self, status):
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    temporary = args.port_file + ".tmp"
    with open(temporary, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(temporary, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
