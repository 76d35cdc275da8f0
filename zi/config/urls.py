from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("zi.organisations.core_urls")),  # namespace "core": home, audit list, probes
    path("akun/", include("zi.accounts.urls")),
    path("unit/", include("zi.organisations.urls")),
    path("lke/", include("zi.lke.urls")),
    path("penilaian/", include("zi.assessments.urls")),
    path("survei/", include("zi.surveys.urls")),
    path("program/", include("zi.programme.urls")),
    path("program/", include("zi.integrity.urls")),  # the registers kept their addresses (zi/integrity/urls.py)
    path("alur/", include("zi.workflow.urls")),
    path("predikat/", include("zi.predicates.urls")),
    path("wawasan/", include("zi.insights.urls")),
    path("api/portalrb/", include("zi.portalrb.urls")),
    path("portalrb/", include("zi.portalrb.urls_ui")),
    path("api/", include("zi.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
]

handler400 = "zi.core.errors.bad_request"  # the site's 413/400 page for too large or unreadable bodies
handler500 = "zi.api.errors.server_error"  # 503 + Retry-After when the database or storage is down
