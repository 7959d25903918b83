"""A fake SMS provider on 127.0.0.1 that speaks Twilio's Messages API, with Twilio's rate limit.

Standard library only, in a process of its own (`python -m bench.dispatch.provider`): the
portal's real TwilioSmsBackend (the twilio library, requests, a fresh HTTP connection per
message as in production) talks to it instead of api.twilio.com. It answers

- POST /2010-04-01/Accounts/<AccountSid>/Messages.json: 201 with Twilio's message resource, or
  429 with Twilio's error document (code 20429) when the token bucket is empty, 401 (code 20003)
  for other credentials, 400 (code 21602) without a body;
- GET /bench/stats: what it accepted, as JSON (the benchmark's referee).

Every accepted message is recorded by its reference (the portal's notification id, which the
backend puts in the status callback URL) with a digest of its text; a reference accepted twice is
a doubled message. Accepted and refused requests are timed on this process's monotonic clock.
"""

import argparse
import base64
import hashlib
import json
import re
import sys
import threading
import time
import uuid
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<account>AC[0-9a-fA-F]{32})/Messages\.json$")
STATS_PATH = "/bench/stats"


class TokenBucket:
    """`rate` tokens a second, at most `burst` saved up; `take()` spends one if there is one.

    The clock is injected (seconds, monotonic) so that tests can drive it."""

    def __init__(self, rate: float, burst: float, *, clock=time.monotonic):
        if rate <= 0 or burst < 1:
            raise ValueError("A token bucket needs a positive rate and room for at least one token.")
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.tokens = burst
        self.updated = clock()
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = self.clock()
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
            if self.tokens >= 1:
                self.tokens -= 1
                return True
            return False


def default_burst(rate: float) -> float:
    """A small burst: a twentieth of a second's worth, at least one message."""
    return max(1.0, rate / 20)


class Ledger:
    """What the provider accepted and refused; shared by the request threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self.accepted = Counter()  # reference → times accepted
        self.digests = {}  # reference → digest of the first accepted text
        self.rate_limited = 0
        self.unauthorized = 0
        self.invalid = 0
        self.first_accepted = None
        self.last_accepted = None
        self.requests = 0

    def accept(self, reference: str, body: str):
        now = time.monotonic()
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
        with self._lock:
            self.accepted[reference] += 1
            self.digests.setdefault(reference, digest)
            if self.first_accepted is None:
                self.first_accepted = now
            self.last_accepted = now

    def count(self, field: str):
        with self._lock:
            setattr(self, field, getattr(self, field) + 1)

    def stats(self, *, with_references=False) -> dict:
        with self._lock:
            doubled = {reference: times for reference, times in self.accepted.items() if times > 1}
            stats = {
                "requests": self.requests,
                "accepted": sum(self.accepted.values()),
                "distinct": len(self.accepted),
                "doubled": len(doubled),
                "doubled_references": sorted(doubled, key=_reference_order)[:50],
                "rate_limited": self.rate_limited,
                "unauthorized": self.unauthorized,
                "invalid": self.invalid,
                "first_accepted": self.first_accepted,
                "last_accepted": self.last_accepted,
                "now": time.monotonic(),
            }
            if with_references:
                stats["references"] = dict(self.accepted)
                stats["digests"] = dict(self.digests)
        return stats


def _reference_order(reference: str):
    return (0, int(reference)) if reference.isdigit() else (1, reference)


def twilio_error(status: int, code: int, message: str) -> dict:
    return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status}  # fmt: skip


def message_resource(account_sid: str, form: dict) -> dict:
    """Twilio's reply to a created message (the fields the twilio library reads, and a few more)."""
    sid = "SM" + uuid.uuid4().hex
    created = formatdate(usegmt=True)
    return {
        "account_sid": account_sid,
        "api_version": "2010-04-01",
        "body": form.get("Body", ""),
        "date_created": created,
        "date_sent": None,
        "date_updated": created,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": form.get("From"),
        "messaging_service_sid": form.get("MessagingServiceSid"),
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "accepted" if form.get("MessagingServiceSid") else "queued",
        "subresource_uris": {"media": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}/Media.json"},
        "to": form.get("To"),
        "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
    }


def reference_of(form: dict) -> str:
    """The portal's notification id, from the status callback URL the backend sends along."""
    callback = form.get("StatusCallback", "")
    return parse_qs(urlsplit(callback).query).get("notification", [""])[0]


class ProviderHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Twilio's API does
    server_version = "FakeTwilio/1.0"
    # Headers and body leave in two writes: with Nagle's algorithm a kept-alive client's delayed
    # ACK would hold the body back ~40 ms, a delay of this fake and not of Twilio.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 — the base class's signature
        pass  # a line per message would cost more than the message

    def _reply(self, status: int, payload: dict):
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 — http.server's naming
        parts = urlsplit(self.path)
        if parts.path != STATS_PATH:
            self._reply(404, twilio_error(404, 20404, "The requested resource was not found"))
            return
        with_references = parse_qs(parts.query).get("references") == ["1"]
        self._reply(200, self.server.ledger.stats(with_references=with_references))

    def do_POST(self):  # noqa: N802 — http.server's naming
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        server.ledger.count("requests")
        match = MESSAGES_PATH.match(urlsplit(self.path).path)
        if not match:
            self._reply(404, twilio_error(404, 20404, "The requested resource was not found"))
            return
        if self.headers.get("Authorization") != server.expected_authorization or match["account"] != server.account_sid:
            server.ledger.count("unauthorized")
            self._reply(401, twilio_error(401, 20003, "Authenticate"))
            return
        form = {name: values[0] for name, values in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}
        if not form.get("Body") or not form.get("To"):
            server.ledger.count("invalid")
            self._reply(400, twilio_error(400, 21602, "Message body is required."))
            return
        if not server.bucket.take():
            server.ledger.count("rate_limited")
            self._reply(429, twilio_error(429, 20429, "Too Many Requests"))
            return
        server.ledger.accept(reference_of(form), form["Body"])
        self._reply(201, message_resource(server.account_sid, form))


class FakeTwilioServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # a connection per message (as the portal sends): a deep backlog

    def __init__(self, port: int, *, account_sid: str, auth_token: str, rate: float, burst: float | None = None):
        super().__init__(("127.0.0.1", port), ProviderHandler)
        self.account_sid = account_sid
        token = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode("ascii")
        self.expected_authorization = f"Basic {token}"
        self.bucket = TokenBucket(rate, burst if burst is not None else default_burst(rate))
        self.ledger = Ledger()


def main(argv=None):
    parser = argparse.ArgumentParser(description="A fake Twilio Messages API on 127.0.0.1, rate limited.")
    parser.add_argument("--port", type=int, default=0, help="0: any free port (printed on the first line).")
    parser.add_argument("--rate", type=float, required=True, help="Messages a second the provider accepts.")
    parser.add_argument("--burst", type=float, default=None, help="Tokens saved up (default: rate / 20).")
    parser.add_argument("--account-sid", required=True)
    parser.add_argument("--auth-token", required=True)
    args = parser.parse_args(argv)
    server = FakeTwilioServer(args.port, account_sid=args.account_sid, auth_token=args.auth_token,
                              rate=args.rate, burst=args.burst)  # fmt: skip
    # The parent reads the port from this line.
    print(f"LISTENING {server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
