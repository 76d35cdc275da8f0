from django.urls import path

from zi.workflow import views

app_name = "workflow"

urlpatterns = [
    path("", views.journey_list, name="journey_list"),
    path("ikut/", views.participation_create, name="participation_create"),
    path("<int:pk>/", views.journey_detail, name="journey_detail"),
    path("<int:pk>/keputusan/", views.journey_transition, name="transition"),
    path("<int:pk>/banding/", views.compare, name="compare"),
    path("<int:pk>/lhe.pdf", views.lhe, name="lhe"),
    path("<int:pk>/jalur/<str:lane>/", views.lane_sheet, name="lane_sheet"),
    path("<int:pk>/jalur/<str:lane>/jawab/<str:code>/", views.lane_answer, name="lane_answer"),
    path("evaluator/", views.evaluator_queue, name="queue"),
    path("tim-tpi/", views.team_loads, name="teams"),
]
