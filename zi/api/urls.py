from django.urls import include, path
from rest_framework.routers import DefaultRouter

from zi.api import pages, views

app_name = "api"

router = DefaultRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("people", views.PersonViewSet, basename="person")
router.register("periods", views.PeriodViewSet, basename="period")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("answers", views.AnswerViewSet, basename="answer")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("survey-campaigns", views.CampaignViewSet, basename="campaign")
router.register("complaints", views.ComplaintViewSet, basename="complaint")
router.register("journeys", views.JourneyViewSet, basename="journey")

urlpatterns = [
    path("token/", pages.token_page, name="token"),
    path("token/<id:pk>/cabut/", pages.token_revoke, name="token_revoke"),
    path("docs/assets/<str:name>", pages.docs_asset, name="docs_asset"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("", include(router.urls)),
]
