"""A small HTTP load generator (a second process, loopback only): N requests over C keep-alive connections.

    python -m zi.bench.loadgen http://127.0.0.1:8000/healthz --requests 2000 --concurrency 8 --max-seconds 30
    python -m zi.bench.loadgen http://127.0.0.1:8000/survei/s/TOKEN/ --survey CAMPAIGN_ID ...

``--survey`` posts complete survey submissions: each connection first GETs the form (CSRF cookie and token),
then posts answers with a fresh integrity stamp made with the same secret key (this process runs with the
server's settings). Prints one JSON line: requests, ok, errors, seconds, requests_per_s, p50_ms, p95_ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import threading
import time
import urllib.parse


def _connection(url: urllib.parse.SplitResult) -> http.client.HTTPConnection:
    if url.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loadgen only talks to loopback")
    return http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=60)
    parser.add_argument("--survey", type=int, default=0, help="campaign id: POST survey submissions")
    args = parser.parse_args()
    url = urllib.parse.urlsplit(args.url)
    path = url.path + (f"?{url.query}" if url.query else "")

    make_body = None
    if args.survey:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi.config.settings_bench")
        # lazy: Django only for --survey (the plain HTTP load needs no settings)
        import django

        django.setup()
        from zi.surveys import integrity, services  # lazy: after django.setup() above
        from zi.surveys.models import Campaign

        campaign = Campaign.objects.get(pk=args.survey)
        items = services.campaign_items(campaign)
        group = campaign.respondent_groups[0]

        def make_body(token: str, rng: random.Random) -> str:
            fields = {"csrfmiddlewaretoken": token, "ts": integrity.make_stamp(campaign.pk, time.time() - 120)}
            fields["kelompok"] = group
            for item in items:
                fields[f"q{item.pk}"] = str(rng.randint(1, 4) if item.scale == "likert4" else 0)
            return urllib.parse.urlencode(fields)

    lock = threading.Lock()
    counter: dict = {"next": 0, "ok": 0, "errors": 0, "first_error": None}
    latencies: list[float] = []
    deadline = time.perf_counter() + args.max_seconds

    def worker(seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311 - synthetic answers
        conn = _connection(url)
        cookie, token = "", ""
        if make_body is not None:
            conn.request("GET", path)
            response = conn.getresponse()
            page = response.read().decode("utf-8", "replace")
            cookies = response.headers.get_all("Set-Cookie") or []
            cookie = "; ".join(c.split(";", 1)[0] for c in cookies)
            found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            token = found.group(1) if found else ""
        while True:
            with lock:
                if counter["next"] >= args.requests or time.perf_counter() > deadline:
                    return
                counter["next"] += 1
            start = time.perf_counter()
            try:
                if make_body is None:
                    conn.request("GET", path)
                else:
                    # no device cookie: every post is a new respondent (a cookie would make it "already answered")
                    headers = {"Content-Type": "application/x-www-form-urlencoded"}
                    if token:
                        headers["Cookie"] = "; ".join(c for c in cookie.split("; ") if c.startswith("csrftoken="))
                    headers["Referer"] = args.url
                    conn.request("POST", path, body=make_body(token, rng), headers=headers)
                response = conn.getresponse()
                body = response.read()
                good = response.status in (200, 302, 303)
                if not good and counter["first_error"] is None:
                    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body.decode("utf-8", "replace")))
                    counter["first_error"] = f"{response.status}: {text[:300]}"
            except (OSError, http.client.HTTPException):
                good = False
                conn.close()
                conn = _connection(url)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                counter["ok" if good else "errors"] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    latencies.sort()
    done = counter["ok"] + counter["errors"]
    print(
        json.dumps(
            {
                "requests": done,
                "ok": counter["ok"],
                "errors": counter["errors"],
                "seconds": round(seconds, 3),
                "requests_per_s": round(counter["ok"] / seconds, 1) if seconds else 0,
                "p50_ms": round(statistics.median(latencies), 2) if latencies else None,
                "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)], 2) if latencies else None,
                "first_error": counter["first_error"],
            }
        )
    )


if __name__ == "__main__":
    main()
