"""The mixed-traffic case of `make bench`: people signing up, following
hosts, reading the feed, gifting in rooms, posting, and calling hosts (the
call-tick billing the calls as they run), all at once through the HTTP API.

Usage: python3 local/mixed.py USERS ACTIONS_EACH [BASE_URL]

Loopback only, bounded: USERS x ACTIONS_EACH actions after the sign-ups,
each request with a 30 s time-out. Prints p50/p99 per route and the count
of answers by route and status; an unexpected answer (a 5xx, no answer, or
a 4xx the action does not expect) is an error, and the run exits 1 if any.
"""

import http.client
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from apiclient import ADMIN_PASSWORD, AGENCY_PASSWORD, call, configure, login, new_host, ok, register

USERS = int(sys.argv[1]) if len(sys.argv) > 1 else 40
ACTIONS = int(sys.argv[2]) if len(sys.argv) > 2 else 15
configure(sys.argv[3] if len(sys.argv) > 3 else "http://127.0.0.1:3000")
HOSTS = 4
CLIP = b"\x00\x00\x00\x18ftypmp42 a bench clip"

lock = threading.Lock()
seen = {}  # route -> [(status, seconds)]
errors = []


def timed(route, method, path, token=None, body=None, expect=(200, 201, 204)):
    status, answer, secs = call(method, path, token, body)
    with lock:
        seen.setdefault(route, []).append((status, secs))
        if status not in expect:
            errors.append((route, status, answer))
    return status, answer


def put_object(url, headers):
    """PUTs the clip to the presigned URL (moto's S3, loopback)."""
    from urllib.parse import urlparse
    u = urlparse(url)
    assert u.hostname in ("127.0.0.1", "localhost"), "loopback only"
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    h = {k: v for k, v in headers.items() if k != "content-length"}
    conn.request("PUT", u.path + ("?" + u.query if u.query else ""), body=CLIP, headers=h)
    res = conn.getresponse()
    res.read()
    conn.close()
    return res.status


def act(token, hosts, gift_id, rng):
    host_id, host_token, room = rng.choice(hosts)
    what = rng.choices(["follow", "feed", "gift", "post", "call"], weights=[2, 4, 5, 1, 1])[0]
    if what == "follow":
        timed("follow-user", "POST", f"/users/{host_id}/follow", token, {}, expect=(201, 409))
    elif what == "feed":
        timed("get-feed", "GET", "/feed?limit=20", token)
    elif what == "gift":
        timed("send-gift", "POST", f"/users/{host_id}/gifts", token, {"gift_id": gift_id, "quantity": 1, "room_id": room})
    elif what == "post":
        s, up = timed("create-upload", "POST", "/uploads", token, {"kind": "video", "content_type": "video/mp4", "size": len(CLIP)})
        if s == 201 and put_object(up["url"], up["headers"]) < 300:
            timed("create-post", "POST", "/posts", token, {"media_key": up["key"], "caption": "bench"})
    else:
        # A host busy in another call or ringing elsewhere answers 409: expected in a crowd.
        s, c = timed("start-call", "POST", "/calls", token, {"host_id": host_id}, expect=(201, 409))
        if s != 201:
            return
        s, _ = timed("accept-call", "POST", f"/calls/{c['id']}/accept", host_token, {}, expect=(200, 409))
        if s != 200:
            timed("cancel-call", "POST", f"/calls/{c['id']}/cancel", token, {}, expect=(200, 409))
            return
        timed("call-heartbeat", "POST", f"/calls/{c['id']}/heartbeat", token, {})
        time.sleep(rng.uniform(0.5, 2.0))  # the call runs a moment (the bench's pacing, not a test's wait)
        timed("end-call", "POST", f"/calls/{c['id']}/end", token, {})


def main():
    admin = login("admin@demo.local", ADMIN_PASSWORD)
    agency = login("agency@demo.local", AGENCY_PASSWORD)
    gifts = ok(*call("GET", "/gifts?limit=100")[:2])["items"]
    rose = min(gifts, key=lambda g: g["price_coins"])
    hosts = [new_host(f"MixHost{i}", agency) for i in range(HOSTS)]
    for _, token, _ in hosts:
        ok(*call("PUT", "/host/call-settings", token, {"price_per_minute": 1, "online": True})[:2])
    print(f"mixed: {USERS} users x {ACTIONS} actions (follow, feed, gift, post, call) over {HOSTS} live hosts")

    def user(i):
        rng = random.Random(i)
        status, body = timed("register", "POST", "/auth/register", None,
                             {"email": f"mix{i}-{time.time_ns()}@bench.local", "password": "bench-password", "name": f"Mix{i}"})
        if status != 201:
            return
        uid, token = body["user"]["id"], body["access_token"]
        ok(*call("POST", f"/admin/users/{uid}/coins", admin, {"amount": 200, "reason": "mixed bench"})[:2])
        for _ in range(ACTIONS):
            act(token, hosts, rose["id"], rng)

    started = time.perf_counter()
    with ThreadPoolExecutor(USERS) as pool:
        list(pool.map(user, range(USERS)))
    wall = time.perf_counter() - started
    total = sum(len(v) for v in seen.values())
    print(f"  {total} requests in {wall:.1f} s = {total / wall:.1f}/s")
    for route in sorted(seen):
        lat = sorted(s for _, s in seen[route])
        pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
        by_status = {}
        for status, _ in seen[route]:
            by_status[status] = by_status.get(status, 0) + 1
        print(f"  {route:15} n={len(lat):4}  p50 {pct(0.5):6.0f} ms  p99 {pct(0.99):6.0f} ms  {by_status}")
    print(f"  errors: {len(errors)}")
    for e in errors[:10]:
        print(f"    {e}")
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
