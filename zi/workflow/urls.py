from django.urls import path

from zi.workflow import views, views_manage, views_monitoring

app_name = "workflow"

urlpatterns = [
    path("", views.journey_list, name="journey_list"),
    path("ikut/", views.participation_create, name="participation_create"),
    path("<id:pk>/", views.journey_detail, name="journey_detail"),
    path("<id:pk>/keputusan/", views.journey_transition, name="transition"),
    path("<id:pk>/keputusan/<str:to_state>/", views.decide, name="decide"),
    path("<id:pk>/banding/", views.compare, name="compare"),
    path("<id:pk>/lhe.pdf", views.lhe, name="lhe"),
    path("<id:pk>/jalur/<str:lane>/", views.lane_sheet, name="lane_sheet"),
    path("<id:pk>/jalur/<str:lane>/jawab/<str:code>/", views.lane_answer, name="lane_answer"),
    path("evaluator/", views.evaluator_queue, name="queue"),
    path("tim-tpi/", views.team_loads, name="teams"),
    path("tim-tpi/baru/<id:agency_pk>/", views_manage.team_create, name="team_create"),
    path("tim-tpi/<id:pk>/", views_manage.team_detail, name="team_detail"),
    path("tim-tpi/<id:pk>/anggota/", views_manage.team_members, name="team_members"),
    path("tim-tpi/<id:pk>/tugaskan/", views_manage.team_assign, name="team_assign"),
    path("<id:pk>/pencanangan/", views_manage.declaration, name="declaration"),
    path(
        "<id:pk>/pencanangan/<id:declaration_pk>/tanda-tangan/",
        views_manage.declaration_sign,
        name="declaration_sign",
    ),
    path(
        "<id:pk>/pencanangan/<id:declaration_pk>/dokumen/",
        views_manage.declaration_document,
        name="declaration_document",
    ),
    path("<id:pk>/data/", views_manage.participation_data, name="participation_data"),
    path("<id:pk>/syarat/", views_manage.preconditions_save, name="preconditions_save"),
    path("<id:pk>/sptjm/", views_manage.sptjm_upload, name="sptjm_upload"),
    path("<id:pk>/perjanjian-kinerja/", views_manage.agreement_save, name="agreement_save"),
    path("<id:pk>/bawaan/", views_manage.carried, name="carried"),
    path("<id:pk>/bawaan/salin/", views_manage.carry_over, name="carry_over"),
    path("<id:pk>/bawaan/konfirmasi/", views_manage.carry_confirm, name="carry_confirm"),
    path("<id:pk>/berkas-usulan.zip", views_manage.dossier_download, name="dossier"),
    path("syarat-instansi/", views_manage.agency_profiles, name="agency_profiles"),
    path("syarat-instansi/<id:agency_pk>/", views_manage.agency_profile_save, name="agency_profile_save"),
    path("kalender/", views_manage.calendar, name="calendar"),
    path("usulan/", views_manage.proposals, name="proposals"),
    path("pemantauan/", views_monitoring.watch, name="monitoring"),
    path("pemantauan/predikat/<id:pk>/", views_monitoring.award_detail, name="monitoring_award"),
    path("pemantauan/predikat/<id:pk>/laporan/", views_monitoring.report_add, name="monitoring_report_add"),
    path("pemantauan/predikat/<id:pk>/pemeriksaan/", views_monitoring.check_add, name="monitoring_check_add"),
    path("pemantauan/laporan/<id:pk>/berkas/", views_monitoring.report_file, name="monitoring_report_file"),
]
