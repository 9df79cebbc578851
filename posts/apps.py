from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"

    def ready(self):
        from accounts.signals import user_deleting, user_visibility_changed
        from posts.services import counts_after_visibility_change, counts_before_user_delete

        user_deleting.connect(counts_before_user_delete, dispatch_uid="posts.counts_user_delete")
        user_visibility_changed.connect(
            counts_after_visibility_change, dispatch_uid="posts.counts_visibility"
        )
