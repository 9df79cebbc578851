from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.shortcuts import redirect
from django.urls import reverse

from accounts import services
from accounts.models import Credit, Industry, Invite, Role, SiteSettings, User
from accounts.signals import user_visibility_changed
from core.admin import OfferedAdminMixin


@admin.register(User)
class UserAdmin(OfferedAdminMixin, DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            "Profile",
            {
                "fields": (
                    "display_name",
                    "bio",
                    "industry",
                    "location",
                    "website",
                    "open_to_collaborate",
                    "avatar",
                    "avatar_thumbnail",
                )
            },
        ),
        ("Moderation", {"fields": ("awaiting_approval", "suspended_at", "invite")}),
    )
    # Suspending and approving are the moderation app's actions, offered to this admin: they ask
    # for a reason, write the audit log and do their effects (sessions, counts, the email). The
    # fields themselves are shown, never edited here.
    readonly_fields = ["avatar", "avatar_thumbnail", "invite", "awaiting_approval", "suspended_at"]
    list_display = [
        "username",
        "email",
        "industry",
        "location",
        "awaiting_approval",
        "is_staff",
        "suspended_at",
        "date_joined",
    ]
    list_filter = ["awaiting_approval", "is_staff", "is_active", "industry"]
    list_select_related = ["industry"]
    actions = ["remove_avatar"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data:
            user_visibility_changed.send(sender=User, user=obj)

    def delete_model(self, request, obj):
        """Through the service, so what the account liked and replied to is recounted."""
        services.user_delete(user=obj)

    def get_deleted_objects(self, objs, request):
        """Deleting an account takes its posts and likes with it through user_delete; the admin
        refuses to delete those one by one, which must not stop the account's deletion."""
        deleted, counts, _, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_queryset(self, request, queryset):
        for user in queryset:
            services.user_delete(user=user)

    @admin.action(description="Remove the avatars of the selected accounts", permissions=["change"])
    def remove_avatar(self, request, queryset):
        people = list(queryset.exclude(avatar=""))
        for person in people:
            services.profile_update(user=person, fields={}, remove_avatar=True)
        self.message_user(request, f"Removed {len(people)} avatar(s).", messages.SUCCESS)


@admin.register(Industry)
class IndustryAdmin(OfferedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    """The roles people pick from for their profile and the directory's filter."""

    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    """People's credits, for moderators: found by title or person, removed when abusive."""

    list_display = ["role", "title", "year", "user"]
    search_fields = ["title", "role", "user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One row: the registration mode. Opening the list goes straight to it."""

    fields = ["registration_mode", "closed_message", "staff_two_factor_required"]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        site = SiteSettings.load()
        return redirect(reverse("admin:accounts_sitesettings_change", args=[site.pk]))


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ["code", "note", "uses", "max_uses", "expires_at", "created_by", "created_at"]
    fields = ["code", "link", "note", "expires_at", "max_uses", "uses", "created_by"]
    readonly_fields = ["link", "uses", "created_by"]
    list_select_related = ["created_by"]
    search_fields = ["code", "note"]

    @admin.display(description="Invite link")
    def link(self, obj):
        if not obj.pk:
            return "Save to get the link."
        return f"{reverse('accounts:signup')}?invite={obj.code}"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
