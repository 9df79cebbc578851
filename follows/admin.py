from django.contrib import admin

from follows.models import Follow


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    """Who follows whom, for moderators untangling follow spam. Timeline rows are derived data
    (rebuilt by following and posting) and are not edited here."""

    list_display = ["follower", "followee", "created_at"]
    list_select_related = ["follower", "followee"]
    search_fields = ["follower__username", "followee__username"]
    raw_id_fields = ["follower", "followee"]
    date_hierarchy = "created_at"
