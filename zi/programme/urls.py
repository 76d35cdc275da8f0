from django.urls import path

from zi.programme import views

app_name = "programme"

urlpatterns = [
    # unit side (login)
    path("unit/<id:pk>/", views.unit_overview, name="unit_overview"),
    path("unit/<id:pk>/rencana/baru/", views.workplan_create, name="workplan_create"),
    path("rencana/<id:pk>/ubah/", views.workplan_edit, name="workplan_edit"),
    path("rencana/<id:pk>/butir/baru/", views.plan_item_create, name="plan_item_create"),
    path("butir/<id:pk>/ubah/", views.plan_item_edit, name="plan_item_edit"),
    path("unit/<id:pk>/kegiatan/baru/", views.activity_create, name="activity_create"),
    path("kegiatan/<id:pk>/", views.activity_detail, name="activity_detail"),
    path("kegiatan/<id:pk>/ubah/", views.activity_edit, name="activity_edit"),
    path("kegiatan/<id:pk>/hadir/", views.activity_attendance, name="activity_attendance"),
    path("kegiatan/<id:pk>/foto/", views.activity_photo_add, name="activity_photo_add"),
    path("foto/<id:pk>/", views.activity_photo, name="activity_photo"),
    path("foto/<id:pk>/tarik/", views.activity_photo_withdraw, name="activity_photo_withdraw"),
    path("unit/<id:pk>/agen/baru/", views.agent_create, name="agent_create"),
    path("agen/<id:pk>/ubah/", views.agent_edit, name="agent_edit"),
    path("agen/<id:pk>/perubahan/baru/", views.change_create, name="change_create"),
    path("perubahan/<id:pk>/ubah/", views.change_edit, name="change_edit"),
    path("unit/<id:pk>/pengaduan/baru/", views.complaint_create, name="complaint_create"),
    path("pengaduan/<id:pk>/", views.complaint_detail, name="complaint_detail"),
    path("pengaduan/<id:pk>/ubah/", views.complaint_edit, name="complaint_edit"),
    path("pengaduan/foto/<id:pk>/", views.complaint_photo, name="complaint_photo"),
    path("tindak-lanjut/<id:pk>/ubah/", views.complaint_action_edit, name="complaint_action_edit"),
    path("tindak-lanjut/<id:pk>/hapus/", views.complaint_action_delete, name="complaint_action_delete"),
    path("unit/<id:pk>/inovasi/", views.innovation_list, name="innovation_list"),
    path("unit/<id:pk>/inovasi/baru/", views.innovation_create, name="innovation_create"),
    path("inovasi/<id:pk>/", views.innovation_detail, name="innovation_detail"),
    path("inovasi/<id:pk>/ubah/", views.innovation_edit, name="innovation_edit"),
    path("unit/<id:pk>/layanan/", views.service_list, name="service_list"),
    path("layanan/<id:pk>/ubah/", views.service_edit, name="service_edit"),
    path("unit/<id:pk>/unduh/pengaduan/", views.complaints_export, name="complaints_export"),
    path("lampirkan/<str:record_type>/<id:pk>/", views.attach_evidence, name="attach_evidence"),
    # public side (no login)
    path("pengaduan/<id:unit_pk>/baru/", views.complaint_public, name="complaint_public"),
    path("terkirim/", views.public_sent, name="public_sent"),
    path("pengaduan/lacak/", views.track, name="track"),
]
