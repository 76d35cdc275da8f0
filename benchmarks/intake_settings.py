"""Settings of ``bench_survey_http.py``'s server: the production settings (``ZI_ENV=production`` in the environment,
DEBUG off, CSRF enforced, HTTPS behind the proxy) plus one URL that is never in production, the minimal insert view
of :mod:`intake_urls`. Importable from the ``benchmarks/`` directory only (the benchmark puts it on the path), so
the same file serves any checkout's ``zi`` package (the "before" measurement runs an older tree)."""

from zi.config.settings import *  # noqa: F403

ROOT_URLCONF = "intake_urls"
