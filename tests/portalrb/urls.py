"""URLconf for the PortalRB tests: the project's pages our templates link to, the API and the UI pages at /portalrb/."""

from django.urls import include, path

urlpatterns = [
    path("", include("zi.organisations.core_urls")),
    path("akun/", include("zi.accounts.urls")),
    path("unit/", include("zi.organisations.urls")),
    path("lke/", include("zi.lke.urls")),
    path("penilaian/", include("zi.assessments.urls")),
    path("survei/", include("zi.surveys.urls")),
    path("program/", include("zi.programme.urls")),
    path("api/portalrb/", include("zi.portalrb.urls")),
    path("portalrb/", include("zi.portalrb.urls_ui")),
    path("i18n/", include("django.conf.urls.i18n")),
]

# base.html links to apps being written in parallel; include them when they import
for prefix, module in (("alur/", "zi.workflow.urls"), ("wawasan/", "zi.insights.urls"), ("api/", "zi.api.urls")):
    try:
        urlpatterns.append(path(prefix, include(module)))
    except ImportError:  # pragma: no cover - depends on the other apps' progress
        pass
