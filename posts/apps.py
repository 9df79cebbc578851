from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"

    def ready(self):
        from accounts.signals import user_deleting
        from posts.services import counts_before_user_delete

        user_deleting.connect(counts_before_user_delete, dispatch_uid="posts.counts_user_delete")
