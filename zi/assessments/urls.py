from django.urls import path

from zi.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="assessment_list"),
    path("mulai/", views.assessment_start, name="assessment_start"),
    path("<id:pk>/", views.worksheet, name="worksheet"),
    path("<id:pk>/jawab/<str:code>/", views.answer_save, name="answer_save"),
    path("<id:pk>/data-dukung/<str:code>/", views.evidence_add, name="evidence_add"),
    path("<id:pk>/kirim/", views.assessment_submit, name="submit"),
    path("<id:pk>/ekspor.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<id:pk>/impor/", views.import_xlsx, name="import_xlsx"),
    path("data-dukung/<id:pk>/revisi/", views.evidence_revise, name="evidence_revise"),
    path("data-dukung/<id:pk>/tarik/", views.evidence_withdraw, name="evidence_withdraw"),
    path("data-dukung/<id:pk>/r<id:number>/", views.evidence_preview, name="evidence_preview"),
    path("data-dukung/<id:pk>/r<id:number>/berkas", views.evidence_file, name="evidence_file"),
]
