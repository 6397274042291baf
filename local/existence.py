"""The existence-leak case of `make bench`: sign-in with a wrong password and
forgot-password, for accounts that exist and for logins that do not, through
the HTTP API. Prints the median and p90 of each and the known/unknown ratio:
the answers must not tell the two apart, by body or by time.

Usage: python3 local/existence.py [ROUNDS] [BASE_URL]

Loopback only, sequential, interleaved (known, unknown, known, ...) so drift
hits both alike. Each login is used once per kind of request (the per-login
limits and the lockout stay out of the way); the server runs with
RATE_LIMITS=off for the per-IP ones.
"""

import http.client
import json
import statistics
import sys
import time
import urllib.parse
import uuid

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
BASE = urllib.parse.urlparse(sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:3000")
assert BASE.hostname in ("127.0.0.1", "localhost", "::1"), "loopback only"
RUN = uuid.uuid4().hex[:8]
conn = http.client.HTTPConnection(BASE.hostname, BASE.port or 80, timeout=30)


def call(path, body):
    started = time.perf_counter()
    conn.request("POST", path, body=json.dumps(body), headers={"content-type": "application/json"})
    res = conn.getresponse()
    raw = res.read()
    return res.status, json.loads(raw) if raw else None, time.perf_counter() - started


known = []
for i in range(ROUNDS):
    email = f"exist-{RUN}-{i}@example.com"
    status, _, _ = call("/auth/register", {"email": email, "password": "password-123", "name": "E"})
    assert status == 201, status
    known.append(email)
unknown = [f"ghost-{RUN}-{i}@example.com" for i in range(ROUNDS)]

failed = False
for name, path, body in [
    ("sign-in, wrong password", "/auth/login", lambda login: {"login": login, "password": "wrong-password"}),
    ("forgot-password", "/auth/password/forgot", lambda login: {"email": login}),
]:
    times = {"known": [], "unknown": []}
    answers = {"known": set(), "unknown": set()}
    for k, u in zip(known, unknown):
        for kind, login in (("known", k), ("unknown", u)):
            status, reply, secs = call(path, body(login))
            times[kind].append(secs * 1000)
            answers[kind].add((status, json.dumps(reply, sort_keys=True)))
    med = {k: statistics.median(v) for k, v in times.items()}
    p90 = {k: sorted(v)[int(len(v) * 0.9) - 1] for k, v in times.items()}
    same = answers["known"] == answers["unknown"] and len(answers["known"]) == 1
    failed |= not same
    print(
        f"existence: {name}: known p50 {med['known']:.1f} ms p90 {p90['known']:.1f} ms, "
        f"unknown p50 {med['unknown']:.1f} ms p90 {p90['unknown']:.1f} ms, "
        f"ratio {med['known'] / med['unknown']:.2f}, answers {'identical' if same else 'DIFFER'}"
    )
sys.exit(1 if failed else 0)
