from django.apps import AppConfig


class FollowsConfig(AppConfig):
    name = "follows"

    def ready(self):
        from follows.signals import fan_out_post
        from posts.signals import post_created

        # posts never imports follows; follows listens to posts' signal instead.
        post_created.connect(fan_out_post, dispatch_uid="follows.fan_out_post")
