from django.urls import path

from fabshare.demand import views

urlpatterns = [
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/read/", views.request_read, name="request_read"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/delete/", views.request_delete, name="request_delete"),
    path("requests/<int:pk>/attachments/", views.attachment_add, name="request_attachment_add"),
    path("requests/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download,
         name="request_attachment"),
    path("requests/<int:pk>/attachments/<int:attachment_pk>/delete/", views.attachment_delete,
         name="request_attachment_delete"),
    path("requests/<int:pk>/nda/", views.nda_accept, name="request_nda_accept"),
    path("requests/<int:pk>/publish/", views.request_status, {"action": "publish"},
         name="request_publish"),
    path("requests/<int:pk>/close/", views.request_status, {"action": "close"},
         name="request_close"),
]
