from django.apps import AppConfig


class FollowsConfig(AppConfig):
    name = "follows"

    def ready(self):
        from accounts.signals import block_created
        from follows.services import block_apply
        from follows.signals import fan_out_post
        from posts.signals import post_created

        # posts never imports follows; follows listens to posts' signal instead.
        post_created.connect(fan_out_post, dispatch_uid="follows.fan_out_post")
        # accounts owns blocks but not follows: a block's effect on follows happens here.
        block_created.connect(block_apply, dispatch_uid="follows.block_apply")
