from django.contrib import admin

from fabshare.bookings.models import Booking, CancellationPolicy, Message, Offer, Review


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("resource", "seeker", "provider", "start", "end", "status", "price_cents")
    list_filter = ("status",)
    search_fields = ("resource__name", "seeker__name", "provider__name")
    raw_id_fields = ("resource", "provider", "seeker", "requested_by", "step")
    date_hierarchy = "start"


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("request", "provider", "resource", "start", "price_cents", "status")
    list_filter = ("status",)
    raw_id_fields = ("request", "step", "provider", "resource", "created_by", "booking")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("booking", "side", "rating", "published_at")
    raw_id_fields = ("booking", "author")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("booking", "offer", "side", "created_at")
    raw_id_fields = ("booking", "offer", "author")


admin.site.register(CancellationPolicy)
