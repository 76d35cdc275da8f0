from django.urls import path

from zi.workflow import views, views_manage

app_name = "workflow"

urlpatterns = [
    path("", views.journey_list, name="journey_list"),
    path("ikut/", views.participation_create, name="participation_create"),
    path("<int:pk>/", views.journey_detail, name="journey_detail"),
    path("<int:pk>/keputusan/", views.journey_transition, name="transition"),
    path("<int:pk>/keputusan/<str:to_state>/", views.decide, name="decide"),
    path("<int:pk>/banding/", views.compare, name="compare"),
    path("<int:pk>/lhe.pdf", views.lhe, name="lhe"),
    path("<int:pk>/jalur/<str:lane>/", views.lane_sheet, name="lane_sheet"),
    path("<int:pk>/jalur/<str:lane>/jawab/<str:code>/", views.lane_answer, name="lane_answer"),
    path("evaluator/", views.evaluator_queue, name="queue"),
    path("tim-tpi/", views.team_loads, name="teams"),
    path("tim-tpi/baru/<int:agency_pk>/", views_manage.team_create, name="team_create"),
    path("tim-tpi/<int:pk>/", views_manage.team_detail, name="team_detail"),
    path("tim-tpi/<int:pk>/anggota/", views_manage.team_members, name="team_members"),
    path("tim-tpi/<int:pk>/tugaskan/", views_manage.team_assign, name="team_assign"),
    path("<int:pk>/pencanangan/", views_manage.declaration, name="declaration"),
    path(
        "<int:pk>/pencanangan/<int:declaration_pk>/tanda-tangan/",
        views_manage.declaration_sign,
        name="declaration_sign",
    ),
    path(
        "<int:pk>/pencanangan/<int:declaration_pk>/dokumen/",
        views_manage.declaration_document,
        name="declaration_document",
    ),
    path("<int:pk>/data/", views_manage.participation_data, name="participation_data"),
    path("<int:pk>/syarat/", views_manage.preconditions_save, name="preconditions_save"),
    path("<int:pk>/sptjm/", views_manage.sptjm_upload, name="sptjm_upload"),
    path("<int:pk>/perjanjian-kinerja/", views_manage.agreement_save, name="agreement_save"),
    path("<int:pk>/bawaan/", views_manage.carried, name="carried"),
    path("<int:pk>/bawaan/salin/", views_manage.carry_over, name="carry_over"),
    path("<int:pk>/bawaan/konfirmasi/", views_manage.carry_confirm, name="carry_confirm"),
    path("<int:pk>/berkas-usulan.zip", views_manage.dossier_download, name="dossier"),
    path("syarat-instansi/", views_manage.agency_profiles, name="agency_profiles"),
    path("syarat-instansi/<int:agency_pk>/", views_manage.agency_profile_save, name="agency_profile_save"),
    path("kalender/", views_manage.calendar, name="calendar"),
    path("usulan/", views_manage.proposals, name="proposals"),
    path("pemantauan/", views_manage.predicate_watch, name="monitoring"),
]
