from django.urls import path

from zi.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="assessment_list"),
    path("mulai/", views.assessment_start, name="assessment_start"),
    path("<int:pk>/", views.worksheet, name="worksheet"),
    path("<int:pk>/jawab/<str:code>/", views.answer_save, name="answer_save"),
    path("<int:pk>/data-dukung/<str:code>/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/kirim/", views.assessment_submit, name="submit"),
    path("<int:pk>/ekspor.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/impor/", views.import_xlsx, name="import_xlsx"),
    path("data-dukung/<int:pk>/revisi/", views.evidence_revise, name="evidence_revise"),
    path("data-dukung/<int:pk>/tarik/", views.evidence_withdraw, name="evidence_withdraw"),
    path("data-dukung/<int:pk>/r<int:number>/", views.evidence_preview, name="evidence_preview"),
    path("data-dukung/<int:pk>/r<int:number>/berkas", views.evidence_file, name="evidence_file"),
]
