from django.urls import path

from fabshare.matching import views

urlpatterns = [
    path("requests/<int:pk>/matches/", views.request_matches, name="request_matches"),
    path("requests/<int:pk>/save-search/", views.search_save, name="request_save_search"),
    path("saved-searches/", views.saved_searches, name="saved_searches"),
    path("saved-searches/<int:pk>/", views.saved_search_change, name="saved_search_change"),
    path("inbox/", views.inbox, name="provider_inbox"),
]
