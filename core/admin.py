"""What the apps' admins share."""


class ViewOnlyAdminMixin:
    """An admin that shows rows and changes none: they are written by the services (and their
    counts, timelines and audit trail with them), never by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
