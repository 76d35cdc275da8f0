"""The app for gunicorn in tests/production/test_edge.py: the real WSGI application, except that a worker process
dies (``os._exit``, as a SIGKILL or an out-of-memory kill would end it) inside the survey submit transaction once,
while the file named by ``ZI_TEST_CRASH_ONCE`` exists. Used only by that test; never by a deployment."""

from __future__ import annotations

import os

from zi.config.wsgi import application  # noqa: F401 - what gunicorn serves
from zi.surveys.services import submissions

_real_cluster_flags = submissions._cluster_flags


def _die_once(*args, **kwargs):
    marker = os.environ.get("ZI_TEST_CRASH_ONCE", "")
    if marker and os.path.exists(marker):
        os.remove(marker)
        os._exit(1)  # mid-transaction: the response row is written, nothing is committed, no answer is sent
    return _real_cluster_flags(*args, **kwargs)


submissions._cluster_flags = _die_once
