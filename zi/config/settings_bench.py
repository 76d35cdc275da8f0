"""Settings for benchmarks and ``zi bench``: the real settings plus the benchmark app, per-address survey limit lifted.

``zi.bench`` (synthetic national data, load generator, ``zi bench generate|run``) is installed only here, never in
the production settings: ``DJANGO_SETTINGS_MODULE=zi.config.settings_bench zi bench …``. Every request of the
load generator comes from 127.0.0.1; in operation the per-address limit protects a campaign from one address
flooding it, here it would only measure the rejection page.
"""

from zi.config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "zi.bench"]  # noqa: F405

ZI_SURVEY_IP_FLAG_AT = 10**9
ZI_SURVEY_IP_REJECT_AT = 10**9
ZI_SURVEY_MIN_FILL_SECONDS = 0
