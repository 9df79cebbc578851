from django.contrib.auth.backends import ModelBackend


class ActiveAccountBackend(ModelBackend):
    """ModelBackend that also refuses suspended people.

    Django asks the backend again on every request (get_user() calls user_can_authenticate()), so
    a suspension ends the person's sessions at once, without hunting for them in the session store.
    """

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and getattr(user, "suspended_at", None) is None
