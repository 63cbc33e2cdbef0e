from django.urls import path

from fabshare.bookings import views

urlpatterns = [
    path("bookings/", views.booking_list, name="booking_list"),
    path("bookings/new/", views.booking_new, name="booking_new"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/act/<slug:action>/", views.booking_act, name="booking_act"),
    path("bookings/<int:pk>/messages/", views.booking_message, name="booking_message"),
    path("bookings/<int:pk>/review/", views.booking_review, name="booking_review"),
    path("bookings/files/<int:pk>/", views.attachment_download, name="booking_attachment"),
    path("bookings/calendar/rotate/", views.personal_calendar_rotate,
         name="booking_calendar_rotate"),
    path("bookings/calendar/<str:token>.ics", views.personal_calendar_export,
         name="booking_calendar_export"),
    path("requests/<int:pk>/offers/", views.offer_compare, name="offer_compare"),
    path("requests/<int:pk>/offers/new/", views.offer_new, name="offer_new"),
    path("offers/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/accept/", views.offer_accept, name="offer_accept"),
    path("offers/<int:pk>/withdraw/", views.offer_withdraw, name="offer_withdraw"),
    path("offers/<int:pk>/messages/", views.offer_message, name="offer_message"),
    path("resources/<slug:slug>/cancellation/", views.cancellation_policy,
         name="booking_cancellation_policy"),
]
