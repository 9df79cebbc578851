from datetime import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from accounts.models import Industry, User
from moderation.models import AuditLogEntry, Report
from moderation.services import post_remove
from posts.models import Post
from tests.factories import IndustryFactory, PostFactory, UserFactory

REPORTS = reverse("admin:moderation_report_changelist")
AUDIT = reverse("admin:moderation_auditlogentry_changelist")
POSTS = reverse("admin:posts_post_changelist")
USERS = reverse("admin:accounts_user_changelist")
INDUSTRIES = reverse("admin:accounts_industry_changelist")


def act(client, url, action, objects, **extra):
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], **extra}
    return client.post(url, data)


def confirm(client, url, action, objects, reason):
    return act(client, url, action, objects, confirm="yes", reason=reason)


# Who gets in


def test_the_moderators_group_has_exactly_the_moderation_permissions(db):
    perms = Group.objects.get(name="Moderators").permissions.values_list(
        "content_type__app_label", "codename"
    )

    assert sorted(perms) == [
        ("accounts", "view_industry"),
        ("accounts", "view_user"),
        ("moderation", "approve_user"),
        ("moderation", "change_report"),
        ("moderation", "remove_post"),
        ("moderation", "suspend_user"),
        ("moderation", "view_auditlogentry"),
        ("moderation", "view_report"),
        ("posts", "view_post"),
    ]


@pytest.mark.parametrize("url", ["/admin/", REPORTS, AUDIT, POSTS, USERS])
def test_people_who_are_not_staff_get_the_admin_login_page(client_logged_in, url):
    response = client_logged_in.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_non_staff_cannot_act_by_posting_either(client_logged_in, post_report):
    response = confirm(client_logged_in, REPORTS, "dismiss_reports", [post_report], "x")

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    post_report.refresh_from_db()
    assert post_report.is_open


def test_moderators_see_the_dashboard_and_their_models_only(moderator_client, post_report):
    PostFactory()
    response = moderator_client.get("/admin/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Moderation at a glance" in content
    assert f'href="{REPORTS}?status__exact=open">Open reports</a>' in content
    assert "<td>1</td>" in content  # one open report
    assert "Posts in the last day</th><td>2</td>" in content
    assert '?awaiting_approval__exact=1">Waiting for approval</a>' in content
    for name in ("Reports", "Audit log", "Posts", "Users", "Industries"):
        assert f">{name}</a>" in content
    assert "Groups" not in content
    assert "{#" not in content and "#}" not in content  # no template comment leaks


def test_moderators_cannot_do_admin_only_things(moderator_client, maya, maya_post, post_report):
    industry = IndustryFactory(name="Sound", slug="sound")

    assert moderator_client.get(reverse("admin:accounts_user_add")).status_code == 403
    assert moderator_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert moderator_client.get(reverse("admin:accounts_industry_add")).status_code == 403
    rename = moderator_client.post(
        reverse("admin:accounts_industry_change", args=[industry.pk]),
        {"name": "Renamed", "slug": "renamed"},
    )
    assert rename.status_code == 403
    for name, obj in [
        ("accounts_user", maya),
        ("posts_post", maya_post),
        ("moderation_report", post_report),
        ("accounts_industry", industry),
    ]:
        url = reverse(f"admin:{name}_delete", args=[obj.pk])
        assert moderator_client.post(url, {"post": "yes"}).status_code == 403
    edit_user = moderator_client.post(
        reverse("admin:accounts_user_change", args=[maya.pk]), {"is_staff": "on"}
    )
    assert edit_user.status_code == 403
    # A hand-made merge POST is refused: the action is not offered to moderators.
    other = IndustryFactory(name="Audio", slug="audio")
    act(
        moderator_client,
        INDUSTRIES,
        "merge_industries",
        [industry],
        confirm="yes",
        reason="x",
        target=other.pk,
    )
    assert Industry.objects.filter(name__in=["Sound", "Audio"]).count() == 2
    assert Post.objects.count() == 1 and User.objects.filter(pk=maya.pk).exists()
    assert industry.name == Industry.objects.get(pk=industry.pk).name


# The reports queue


def test_the_queue_lists_open_reports_first_with_what_was_reported(
    moderator_client, moderator, post_report, user_report, django_assert_num_queries
):
    closed = Report.objects.create(
        reporter=UserFactory(), post=PostFactory(text="Old news"), category="other"
    )
    Report.objects.filter(pk=closed.pk).update(status=Report.Status.DISMISSED)
    for _ in range(5):
        Report.objects.create(reporter=UserFactory(), post=PostFactory(), category="spam")

    # 9 with the site setting read at each staff request (may staff sign in without 2FA?)
    with django_assert_num_queries(9):
        response = moderator_client.get(REPORTS)

    content = response.content.decode()
    assert response.status_code == 200
    assert "@maya: Buy followers cheap at spam.example" in content
    assert "Harasses me" in content
    rows = [line for line in content.splitlines() if "field-reported" in line]
    assert "@maya" in rows[-2] and "Old news" in rows[-1]  # open first; the closed one last
    for choice in ("Remove post", "Suspend author", "Dismiss"):
        assert f">{choice}</option>" in content
    assert "Delete selected" not in content


def test_the_queue_filters_and_searches(moderator_client, post_report, user_report):
    by_category = moderator_client.get(REPORTS, {"category__exact": "abuse"}).content.decode()
    by_status = moderator_client.get(REPORTS, {"status__exact": "resolved"}).content.decode()
    by_search = moderator_client.get(REPORTS, {"q": "spam.example"}).content.decode()

    assert "Harasses me" in by_category and "Pure spam" not in by_category
    assert "0 reports" in by_status
    assert "Pure spam" in by_search and "Harasses me" not in by_search


def test_remove_post_asks_for_a_reason_then_removes_and_closes_the_report(
    moderator_client, moderator, post_report, maya_post
):
    page = act(moderator_client, REPORTS, "remove_reported_posts", [post_report])

    content = page.content.decode()
    assert page.status_code == 200
    assert "Remove reported posts" in content
    assert f"Report #{post_report.pk} (Spam): @maya: Buy followers cheap" in content
    assert "Reason" in content and 'value="Confirm"' in content
    assert "{#" not in content and "#}" not in content
    assert Post.objects.visible().filter(pk=maya_post.pk).exists()  # nothing yet

    no_reason = confirm(moderator_client, REPORTS, "remove_reported_posts", [post_report], " ")
    assert no_reason.status_code == 200
    assert "Give a reason; it goes into the audit log." in no_reason.content.decode()
    assert Post.objects.visible().filter(pk=maya_post.pk).exists()

    done = confirm(moderator_client, REPORTS, "remove_reported_posts", [post_report], "Spam")

    assert done.status_code == 302 and done["Location"] == REPORTS
    assert not Post.objects.visible().filter(pk=maya_post.pk).exists()
    post_report.refresh_from_db()
    assert (post_report.status, post_report.handled_by) == (Report.Status.RESOLVED, moderator)
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.moderator, entry.reason) == ("post_removed", moderator, "Spam")
    messages = moderator_client.get(REPORTS).content.decode()
    assert "Removed 1 post(s) and resolved their reports." in messages


def test_remove_post_skips_reports_about_people(moderator_client, user_report):
    confirm(moderator_client, REPORTS, "remove_reported_posts", [user_report], "Spam")

    user_report.refresh_from_db()
    assert user_report.is_open
    content = moderator_client.get(REPORTS).content.decode()
    assert "it is about a person, not a post; left open." in content


def test_suspend_author_from_a_post_report(moderator_client, post_report, maya):
    response = confirm(
        moderator_client, REPORTS, "suspend_reported_authors", [post_report], "Spam account"
    )

    assert response.status_code == 302
    maya.refresh_from_db()
    assert maya.is_suspended
    post_report.refresh_from_db()
    assert post_report.status == Report.Status.RESOLVED
    assert AuditLogEntry.objects.get().action == "user_suspended"


def test_dismiss_closes_reports_and_leaves_targets_alone(
    moderator_client, post_report, user_report, maya, maya_post
):
    confirm(moderator_client, REPORTS, "dismiss_reports", [post_report, user_report], "Fine")

    assert set(Report.objects.values_list("status", flat=True)) == {"dismissed"}
    assert Post.objects.visible().filter(pk=maya_post.pk).exists()
    assert User.objects.visible().filter(pk=maya.pk).exists()
    assert AuditLogEntry.objects.filter(action="report_dismissed").count() == 2


def test_the_report_page_is_read_only_with_action_buttons(moderator_client, post_report):
    url = reverse("admin:moderation_report_change", args=[post_report.pk])

    content = moderator_client.get(url).content.decode()
    assert "Buy followers cheap at spam.example" in content
    for name in ("remove_reported_posts", "suspend_reported_authors", "dismiss_reports"):
        assert f'name="action" value="{name}"' in content
    assert 'name="_save"' not in content
    # A button press lands on the reason page, like the action from the list.
    page = act(moderator_client, REPORTS, "dismiss_reports", [post_report])
    assert "Dismiss reports" in page.content.decode()

    moderator_client.post(url, {"category": "other", "status": "dismissed"})
    post_report.refresh_from_db()
    assert (post_report.category, post_report.status) == ("spam", "open")


def test_nobody_adds_reports_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:moderation_report_add")).status_code == 403


# The audit log


def test_the_audit_log_lists_actions_and_refuses_edits_even_for_admins(
    admin_client, moderator, maya_post, django_assert_num_queries
):
    post_remove(moderator=moderator, post=maya_post, reason="Spam link")
    entry = AuditLogEntry.objects.get()
    for post in PostFactory.create_batch(5):
        post_remove(moderator=moderator, post=post, reason="Spam wave")

    # 9 with the site setting read at each staff request (may staff sign in without 2FA?)
    with django_assert_num_queries(9):
        listing = admin_client.get(AUDIT)
    content = listing.content.decode()
    assert "mod_ria" in content and "Post removed" in content and "Spam link" in content
    assert "@maya: Buy followers cheap at spam.example" in content
    change_url = reverse("admin:moderation_auditlogentry_change", args=[entry.pk])
    detail = admin_client.get(change_url)
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()

    assert admin_client.post(change_url, {"reason": "Rewritten"}).status_code == 403
    delete_url = reverse("admin:moderation_auditlogentry_delete", args=[entry.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert admin_client.get(reverse("admin:moderation_auditlogentry_add")).status_code == 403
    assert "Delete selected" not in content
    assert AuditLogEntry.objects.count() == 6
    entry.refresh_from_db()
    assert entry.reason == "Spam link"


def test_moderators_read_the_audit_log(moderator_client, moderator, maya_post):
    post_remove(moderator=moderator, post=maya_post, reason="Spam link")

    content = moderator_client.get(AUDIT, {"action__exact": "post_removed"}).content.decode()

    assert "Spam link" in content


# Actions on posts, people and industries


def test_remove_and_restore_selected_posts(moderator_client, maya_post):
    other = PostFactory(text="Also spam")

    page = act(moderator_client, POSTS, "remove_posts", [maya_post, other])
    assert "Remove posts" in page.content.decode()
    confirm(moderator_client, POSTS, "remove_posts", [maya_post, other], "Spam wave")
    assert Post.objects.visible().count() == 0

    removed = moderator_client.get(POSTS, {"removed": "yes"}).content.decode()
    assert "Also spam" in removed
    confirm(moderator_client, POSTS, "restore_posts", [maya_post], "One was fine")

    assert list(Post.objects.visible()) == [maya_post]
    assert list(AuditLogEntry.objects.values_list("action", flat=True)) == [
        "post_restored",
        "post_removed",
        "post_removed",
    ]


def test_posts_can_be_searched_by_text_and_author(moderator_client, maya_post):
    PostFactory(text="Mixing a trailer today")

    by_text = moderator_client.get(POSTS, {"q": "trailer"}).content.decode()
    by_author = moderator_client.get(POSTS, {"q": "maya"}).content.decode()

    assert "Mixing a trailer" in by_text and "Buy followers" not in by_text
    assert "Buy followers" in by_author and "Mixing a trailer" not in by_author


def test_restoring_a_visible_post_says_why_nothing_happened(moderator_client, maya_post):
    confirm(moderator_client, POSTS, "restore_posts", [maya_post], "Oops")

    content = moderator_client.get(POSTS).content.decode()
    assert "@maya: Buy followers cheap at spam.example: This post is not removed." in content
    assert AuditLogEntry.objects.count() == 0


def test_suspend_and_unsuspend_selected_users(moderator_client, maya, reporter):
    confirm(moderator_client, USERS, "suspend_users", [maya, reporter], "Spam ring")
    assert User.objects.filter(suspended_at__isnull=False).count() == 2
    suspended = moderator_client.get(USERS, {"suspended": "yes"}).content.decode()
    assert "maya" in suspended

    confirm(moderator_client, USERS, "unsuspend_users", [maya], "Appeal")

    assert list(User.objects.filter(suspended_at__isnull=False)) == [reporter]
    assert AuditLogEntry.objects.filter(action="user_unsuspended").count() == 1


def test_approve_selected_users_with_a_reason(moderator_client, django_capture_on_commit_callbacks):
    pending = UserFactory(username="newbie", awaiting_approval=True, email="newbie@example.com")
    dashboard = moderator_client.get("/admin/").content.decode()
    assert "Waiting for approval</a></th>\n        <td>1</td>" in dashboard

    page = act(moderator_client, USERS, "approve_users", [pending])
    assert "Approve people" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        confirm(moderator_client, USERS, "approve_users", [pending], "Portfolio checks out")

    pending.refresh_from_db()
    assert not pending.awaiting_approval
    assert AuditLogEntry.objects.get().action == "user_approved"
    assert [message.to for message in mail.outbox] == [["newbie@example.com"]]


def test_a_moderator_cannot_suspend_staff_from_the_panel(moderator_client):
    colleague = UserFactory(username="other_mod", is_staff=True)

    confirm(moderator_client, USERS, "suspend_users", [colleague], "Power grab")

    colleague.refresh_from_db()
    assert not colleague.is_suspended
    content = moderator_client.get(USERS).content.decode()
    assert "@other_mod: Only an admin can suspend a staff member." in content


def test_an_admin_merges_industries_without_losing_anyone(admin_client):
    sound = IndustryFactory(name="Sound", slug="sound")
    audio = IndustryFactory(name="Audio", slug="audio")
    people = [UserFactory(industry=sound) for _ in range(3)]

    page = act(admin_client, INDUSTRIES, "merge_industries", [sound])
    assert "Merge into" in page.content.decode() and "Sound (3 members)" in page.content.decode()
    same = confirm(admin_client, INDUSTRIES, "merge_industries", [sound], "Dup")
    assert "Choose the industry to keep." in same.content.decode()
    itself = act(
        admin_client,
        INDUSTRIES,
        "merge_industries",
        [sound],
        confirm="yes",
        reason="Dup",
        target=sound.pk,
    )
    assert "Choose an industry other than the one you merge." in itself.content.decode()

    done = act(
        admin_client,
        INDUSTRIES,
        "merge_industries",
        [sound],
        confirm="yes",
        reason="Same thing",
        target=audio.pk,
    )

    assert done.status_code == 302
    assert not Industry.objects.filter(name="Sound").exists()
    assert Industry.objects.filter(name="Audio").exists()
    assert set(audio.members.all()) == set(people)
    assert AuditLogEntry.objects.get().target_repr == "Sound → Audio (3 moved)"


def user_change_form(admin_client, person) -> dict:
    """The fields the admin's change form for `person` sends back, as a browser would."""
    page = admin_client.get(reverse("admin:accounts_user_change", args=[person.pk]))
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or name == "password":
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif isinstance(value, datetime):
            data[f"{name}_0"], data[f"{name}_1"] = value.date(), value.time()
        else:
            data[name] = getattr(value, "pk", value)
    return data


def test_suspension_and_approval_are_not_fields_anyone_edits(admin_client, maya):
    """Only the audited actions suspend and approve: the user form shows both read-only, and a
    hand-made POST that sets them changes nothing."""
    pending = UserFactory(username="newbie", awaiting_approval=True)
    url = reverse("admin:accounts_user_change", args=[maya.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="suspended_at' not in page and 'name="awaiting_approval"' not in page
    assert "Suspended at" in page and "Awaiting approval" in page

    for person, changes in (
        (maya, {"suspended_at_0": "2026-12-01", "suspended_at_1": "10:00:00"}),
        (pending, {}),  # awaiting_approval left unticked, as if to approve
    ):
        data = {**user_change_form(admin_client, person), **changes, "display_name": "Edited"}
        response = admin_client.post(reverse("admin:accounts_user_change", args=[person.pk]), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        person.refresh_from_db()
        assert person.display_name == "Edited"  # the form was saved

    maya.refresh_from_db()
    pending.refresh_from_db()
    assert maya.suspended_at is None
    assert pending.awaiting_approval
    assert not AuditLogEntry.objects.exists()


def test_the_moderation_actions_are_offered_to_the_apps_admins_by_permission(
    moderator_client, client, maya_post
):
    posts = moderator_client.get(POSTS).content.decode()
    users = moderator_client.get(USERS).content.decode()
    assert "Remove selected posts" in posts and "Restore selected posts" in posts
    assert "Suspend selected users" in users and "Approve selected users" in users
    assert 'name="removed"' in posts or "Removed by moderators" in posts
    # Staff without the moderation permissions see none of them.
    staff = UserFactory(username="intern", is_staff=True)
    staff.user_permissions.add(
        *Group.objects.get(name="Moderators").permissions.filter(codename__startswith="view_")
    )
    client.force_login(staff)
    users = client.get(USERS).content.decode()
    assert "Suspend selected users" not in users
    assert "Approve selected users" not in users


def test_an_admin_that_does_not_take_offered_actions_fails_the_system_check():
    from django.core.checks import run_checks

    from core import admin as core_admin
    from posts.models import Hashtag

    core_admin.admin_offer(Hashtag, actions=[])
    try:
        errors = [error.id for error in run_checks(tags=["admin"])]
    finally:
        del core_admin._offered[Hashtag]

    assert "core.E001" in errors
    assert "core.E001" not in [error.id for error in run_checks(tags=["admin"])]
