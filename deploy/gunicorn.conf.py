"""gunicorn settings for zona-integritas (``gunicorn -c deploy/gunicorn.conf.py zi.config.wsgi:application``).

Sync workers: the app is database-bound and short-request; scale with processes (2 × cores + 1 as a start)
and with more app hosts behind the proxy. Evidence downloads with ZI_STORAGE=s3 are redirects, so no worker
is held by a large file.
"""

import multiprocessing
import os

bind = os.environ.get("ZI_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("ZI_WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("ZI_WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then (memory growth in long-lived processes)
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("ZI_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# the request id nginx sets travels in X-Request-ID; the app logs it (zi/core/logging.py)
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}i)s'
