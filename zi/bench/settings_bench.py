"""Settings for the HTTP benchmark server: the real settings, with the per-address survey limit lifted.

Every request of the load generator comes from 127.0.0.1; in operation the limit protects a campaign from
one address flooding it, here it would only measure the rejection page.
"""

from zi.config.settings import *  # noqa: F403

ZI_SURVEY_IP_FLAG_AT = 10**9
ZI_SURVEY_IP_REJECT_AT = 10**9
ZI_SURVEY_MIN_FILL_SECONDS = 0

# The public survey form (zi/surveys/templates/surveys/public_form.html) renders no CSRF token and its view is
# not csrf_exempt, so a real browser's POST is refused with 403 (reported to the surveys owner). Until that is
# fixed, the benchmark server skips the CSRF check for the public survey path only (the check itself costs
# microseconds; the measured work is the submission).
MIDDLEWARE = ["zi.bench.middleware.SkipCsrfForPublicSurvey", *MIDDLEWARE]  # noqa: F405
