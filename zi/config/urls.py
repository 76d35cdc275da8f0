from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from zi.core import urls as core_urls
from zi.organisations import views_home

# The "core" namespace: the core's probes and the two core pages that read roles (they live in organisations).
core_routes = [
    path("", views_home.home, name="home"),
    path("jejak-audit/", views_home.audit_list, name="audit_list"),
    *core_urls.urlpatterns,
]

urlpatterns = [
    path("", include((core_routes, "core"))),
    path("akun/", include("zi.accounts.urls")),
    path("unit/", include("zi.organisations.urls")),
    path("lke/", include("zi.lke.urls")),
    path("penilaian/", include("zi.assessments.urls")),
    path("survei/", include("zi.surveys.urls")),
    path("program/", include("zi.programme.urls")),
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
