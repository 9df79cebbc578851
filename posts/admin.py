from django.contrib import admin
from django.utils import timezone

from posts.models import Hashtag, Like, Notification, Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Moderators remove posts (hidden everywhere by Post.objects.visible()) rather than delete."""

    list_display = ["id", "author", "text", "created_at", "in_reply_to", "repost_of", "removed_at"]
    list_filter = ["removed_at", "created_at"]
    search_fields = ["text", "author__username"]
    raw_id_fields = ["author", "in_reply_to", "repost_of", "mentions", "hashtags"]
    readonly_fields = ["created_at", "mentioned_usernames"]
    list_select_related = ["author", "in_reply_to", "repost_of"]
    actions = ["remove_posts", "restore_posts"]

    @admin.action(description="Remove the selected posts (hide them everywhere)")
    def remove_posts(self, request, queryset):
        count = queryset.filter(removed_at__isnull=True).update(removed_at=timezone.now())
        self.message_user(request, f"{count} post(s) removed.")

    @admin.action(description="Restore the selected posts")
    def restore_posts(self, request, queryset):
        count = queryset.filter(removed_at__isnull=False).update(removed_at=None)
        self.message_user(request, f"{count} post(s) restored.")


@admin.register(Hashtag)
class HashtagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Like)
class LikeAdmin(admin.ModelAdmin):
    list_display = ["user", "post", "created_at"]
    raw_id_fields = ["user", "post"]
    list_select_related = ["user", "post"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "actor", "kind", "post", "created_at", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient", "actor", "post"]
    list_select_related = ["recipient", "actor", "post"]
