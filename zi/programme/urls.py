from django.urls import path

from zi.programme import views

app_name = "programme"

urlpatterns = [
    # unit side (login)
    path("unit/<int:pk>/", views.unit_overview, name="unit_overview"),
    path("unit/<int:pk>/rencana/baru/", views.workplan_create, name="workplan_create"),
    path("rencana/<int:pk>/ubah/", views.workplan_edit, name="workplan_edit"),
    path("rencana/<int:pk>/butir/baru/", views.plan_item_create, name="plan_item_create"),
    path("butir/<int:pk>/ubah/", views.plan_item_edit, name="plan_item_edit"),
    path("unit/<int:pk>/kegiatan/baru/", views.activity_create, name="activity_create"),
    path("kegiatan/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("kegiatan/<int:pk>/ubah/", views.activity_edit, name="activity_edit"),
    path("kegiatan/<int:pk>/hadir/", views.activity_attendance, name="activity_attendance"),
    path("kegiatan/<int:pk>/foto/", views.activity_photo_add, name="activity_photo_add"),
    path("foto/<int:pk>/", views.activity_photo, name="activity_photo"),
    path("foto/<int:pk>/tarik/", views.activity_photo_withdraw, name="activity_photo_withdraw"),
    path("unit/<int:pk>/agen/baru/", views.agent_create, name="agent_create"),
    path("agen/<int:pk>/ubah/", views.agent_edit, name="agent_edit"),
    path("agen/<int:pk>/perubahan/baru/", views.change_create, name="change_create"),
    path("perubahan/<int:pk>/ubah/", views.change_edit, name="change_edit"),
    path("unit/<int:pk>/pengaduan/baru/", views.complaint_create, name="complaint_create"),
    path("pengaduan/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("pengaduan/<int:pk>/ubah/", views.complaint_edit, name="complaint_edit"),
    path("tindak-lanjut/<int:pk>/ubah/", views.complaint_action_edit, name="complaint_action_edit"),
    path("tindak-lanjut/<int:pk>/hapus/", views.complaint_action_delete, name="complaint_action_delete"),
    path("unit/<int:pk>/inovasi/", views.innovation_list, name="innovation_list"),
    path("unit/<int:pk>/inovasi/baru/", views.innovation_create, name="innovation_create"),
    path("inovasi/<int:pk>/", views.innovation_detail, name="innovation_detail"),
    path("inovasi/<int:pk>/ubah/", views.innovation_edit, name="innovation_edit"),
    path("unit/<int:pk>/layanan/", views.service_list, name="service_list"),
    path("layanan/<int:pk>/ubah/", views.service_edit, name="service_edit"),
    path("unit/<int:pk>/unduh/<slug:kind>/", views.export, name="export"),
    path("unit/<int:pk>/gratifikasi/", views.gratification_list, name="gratification_list"),
    path("unit/<int:pk>/benturan-kepentingan/", views.conflict_list, name="conflict_list"),
    path("gratifikasi/<int:pk>/ubah/", views.gratification_edit, name="gratification_edit"),
    path("benturan-kepentingan/<int:pk>/ubah/", views.conflict_edit, name="conflict_edit"),
    path("unit/<int:pk>/wbs/", views.whistle_list, name="whistle_list"),
    path("wbs/<int:pk>/", views.whistle_detail, name="whistle_detail"),
    path("lampirkan/<str:record_type>/<int:pk>/", views.attach_evidence, name="attach_evidence"),
    # public side (no login)
    path("pengaduan/<int:unit_pk>/baru/", views.complaint_public, name="complaint_public"),
    path("wbs/<int:unit_pk>/baru/", views.whistle_public, name="whistle_public"),
    path("terkirim/", views.public_sent, name="public_sent"),
    path("pengaduan/lacak/", views.track, name="track"),
]
