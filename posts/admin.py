from django.contrib import admin

from accounts.models import Visibility
from core.admin import OfferedAdminMixin, ViewOnlyAdminMixin
from posts.models import Hashtag, Like, Notification, Post


@admin.register(Post)
class PostAdmin(OfferedAdminMixin, admin.ModelAdmin):
    """Posts for moderators to find. Removing and restoring (with a reason and an audit entry)
    are actions the moderation app offers to this admin; posts never imports moderation."""

    list_display = ["id", "author", "text", "created_at", "in_reply_to", "repost_of", "removed_at"]
    list_filter = ["created_at"]
    search_fields = ["text", "author__username"]
    raw_id_fields = ["author", "in_reply_to", "repost_of", "mentions", "hashtags"]
    # Who wrote a post and who may read it are the author's (timelines, audiences and the
    # author's stored post count follow them): shown, not changed here.
    readonly_fields = [
        "author",
        "visibility",
        "created_at",
        "removed_at",
        "mentioned_usernames",
        "in_reply_to",
        "repost_of",
    ]
    list_select_related = ["author", "in_reply_to", "repost_of"]

    def get_queryset(self, request):
        """What staff may see (`visible_to`): every post but messages, of which only those
        reported by someone in their conversation."""
        return super().get_queryset(request) & Post.objects.visible_to(request.user)

    # Posts are written by people through the services (timelines, counts, notifications) and
    # taken down by removal, which keeps them: the admin neither adds nor deletes them.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Hashtag)
class HashtagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Like)
class LikeAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Likes are people's own (and counted on their post): shown, never changed here."""

    list_display = ["user", "post", "created_at"]
    raw_id_fields = ["user", "post"]
    list_select_related = ["user", "post"]

    def get_queryset(self, request):
        # A like names its post by its text: none on messages (see PostAdmin.get_queryset).
        return super().get_queryset(request).exclude(post__visibility=Visibility.DIRECT)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "actor", "kind", "post", "created_at", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient", "actor", "post"]
    list_select_related = ["recipient", "actor", "post"]

    def get_queryset(self, request):
        # As likes: a notification names its post by its text, and no message is listed here.
        return super().get_queryset(request).exclude(post__visibility=Visibility.DIRECT)
