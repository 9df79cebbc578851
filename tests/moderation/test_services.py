import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from moderation.models import AuditLogEntry, Report
from moderation.services import (
    industry_merge,
    post_remove,
    post_restore,
    report_create,
    report_dismiss,
    user_approve,
    user_suspend,
    user_unsuspend,
)
from posts.models import Post
from tests.factories import IndustryFactory, PostFactory, UserFactory


def _messages(excinfo):
    return excinfo.value.messages


# report_create


def test_report_create_reports_a_post(reporter, maya_post):
    report = report_create(
        reporter=reporter, post=maya_post, category="spam", comment="  Link farm  "
    )

    assert report.status == Report.Status.OPEN
    assert report.post == maya_post and report.user is None
    assert report.comment == "Link farm"
    assert AuditLogEntry.objects.count() == 0  # reports are not moderation actions


def test_report_create_reports_a_person(reporter, maya):
    report = report_create(reporter=reporter, user=maya, category="abuse", comment="")

    assert report.user == maya and report.post is None


def test_report_create_refuses_a_second_open_report(post_report, user_report):
    with pytest.raises(ValidationError) as post_error:
        report_create(reporter=post_report.reporter, post=post_report.post, category="other")
    with pytest.raises(ValidationError) as user_error:
        report_create(reporter=user_report.reporter, user=user_report.user, category="other")

    assert _messages(post_error) == [
        "You have already reported this post; a moderator will look at it."
    ]
    assert _messages(user_error) == [
        "You have already reported this person; a moderator will look at it."
    ]
    assert Report.objects.count() == 2


def test_report_create_allows_a_new_report_once_the_old_one_is_closed(post_report, moderator):
    report_dismiss(moderator=moderator, report=post_report, reason="Not spam")

    report_create(reporter=post_report.reporter, post=post_report.post, category="other")

    assert Report.objects.filter(status=Report.Status.OPEN).count() == 1


def test_report_create_refuses_reporting_yourself(maya, maya_post):
    with pytest.raises(ValidationError) as own_post:
        report_create(reporter=maya, post=maya_post, category="spam")
    with pytest.raises(ValidationError) as self_report:
        report_create(reporter=maya, user=maya, category="spam")

    assert _messages(own_post) == ["You cannot report your own post."]
    assert _messages(self_report) == ["You cannot report yourself."]
    assert Report.objects.count() == 0


def test_report_create_checks_category_and_comment_length(reporter, maya):
    with pytest.raises(ValidationError) as bad_category:
        report_create(reporter=reporter, user=maya, category="boring")
    with pytest.raises(ValidationError) as long_comment:
        report_create(reporter=reporter, user=maya, category="spam", comment="x" * 1001)

    assert _messages(bad_category) == ["Value 'boring' is not a valid choice."]
    assert _messages(long_comment) == ["Keep the comment to 1000 characters (it has 1001)."]
    assert Report.objects.count() == 0


def test_report_create_needs_exactly_one_target(reporter, maya, maya_post):
    with pytest.raises(ValueError, match="Report either a post or a person"):
        report_create(reporter=reporter, post=maya_post, user=maya, category="spam")
    with pytest.raises(ValueError, match="Report either a post or a person"):
        report_create(reporter=reporter, category="spam")


# post_remove / post_restore


def test_post_remove_hides_the_post_resolves_its_reports_and_writes_the_audit_log(
    moderator, maya_post, post_report
):
    other_report = Report.objects.create(reporter=UserFactory(), post=maya_post, category="spam")
    assert Post.objects.visible().filter(pk=maya_post.pk).exists()

    post_remove(moderator=moderator, post=maya_post, reason="Spam link", report=post_report)

    assert not Post.objects.visible().filter(pk=maya_post.pk).exists()
    assert Post.objects.filter(pk=maya_post.pk).exists()  # kept, only hidden
    for report in (post_report, other_report):
        report.refresh_from_db()
        assert report.status == Report.Status.RESOLVED
        assert report.handled_by == moderator
        assert report.resolution_note == "Spam link"
        assert report.handled_at is not None
    entry = AuditLogEntry.objects.get()
    assert entry.action == AuditLogEntry.Action.POST_REMOVED
    assert entry.moderator == moderator
    assert entry.target_post == maya_post and entry.target_user == maya_post.author
    assert entry.target_repr == "@maya: Buy followers cheap at spam.example"
    assert entry.reason == "Spam link"
    assert entry.report == post_report


def test_post_remove_needs_a_reason_and_a_visible_post(moderator, maya_post):
    with pytest.raises(ValidationError) as no_reason:
        post_remove(moderator=moderator, post=maya_post, reason="   ")
    assert _messages(no_reason) == ["Give a reason; it goes into the audit log."]
    assert Post.objects.visible().filter(pk=maya_post.pk).exists()

    post_remove(moderator=moderator, post=maya_post, reason="Spam")
    with pytest.raises(ValidationError) as again:
        post_remove(moderator=moderator, post=maya_post, reason="Spam")

    assert _messages(again) == ["This post is already removed."]
    assert AuditLogEntry.objects.count() == 1


def test_post_restore_brings_the_post_back_exactly_as_it_was(moderator, maya_post):
    text, created_at = maya_post.text, maya_post.created_at
    post_remove(moderator=moderator, post=maya_post, reason="Spam")

    post_restore(moderator=moderator, post=maya_post, reason="Appeal accepted")

    restored = Post.objects.visible().get(pk=maya_post.pk)
    assert (restored.text, restored.created_at, restored.removed_at) == (text, created_at, None)
    assert list(AuditLogEntry.objects.values_list("action", "reason")) == [
        ("post_restored", "Appeal accepted"),
        ("post_removed", "Spam"),
    ]


def test_post_restore_refuses_a_post_that_is_not_removed(moderator, maya_post):
    with pytest.raises(ValidationError) as error:
        post_restore(moderator=moderator, post=maya_post, reason="Oops")

    assert _messages(error) == ["This post is not removed."]
    assert AuditLogEntry.objects.count() == 0


# user_suspend / user_unsuspend


def test_user_suspend_hides_the_person_and_their_posts_and_resolves_reports(
    moderator, maya, maya_post, post_report, user_report
):
    other_post_report = Report.objects.create(
        reporter=UserFactory(), post=PostFactory(author=maya), category="spam"
    )

    user_suspend(moderator=moderator, user=maya, reason="Spam account", report=post_report)

    maya.refresh_from_db()
    assert maya.suspended_at is not None
    assert not User.objects.visible().filter(pk=maya.pk).exists()
    assert not Post.objects.visible().filter(author=maya).exists()
    assert Post.objects.filter(author=maya).count() == 2  # nothing deleted
    other_post_report.refresh_from_db()
    assert set(Report.objects.values_list("status", flat=True)) == {Report.Status.RESOLVED}
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.target_user, entry.target_repr, entry.reason) == (
        "user_suspended",
        maya,
        "@maya",
        "Spam account",
    )


def test_user_suspend_refusals(moderator, maya):
    staff = UserFactory(username="other_mod", is_staff=True)
    user_suspend(moderator=moderator, user=maya, reason="Spam")

    cases = [
        (maya, moderator, "@maya is already suspended."),
        (moderator, moderator, "You cannot suspend yourself."),
        (staff, moderator, "Only an admin can suspend a staff member."),
    ]
    for person, by, message in cases:
        with pytest.raises(ValidationError) as error:
            user_suspend(moderator=by, user=person, reason="Because")
        assert _messages(error) == [message]
    assert AuditLogEntry.objects.count() == 1


def test_an_admin_can_suspend_staff(admin_user):
    staff = UserFactory(username="rogue_mod", is_staff=True)

    user_suspend(moderator=admin_user, user=staff, reason="Abused the panel")

    staff.refresh_from_db()
    assert staff.is_suspended


def test_user_unsuspend_restores_everything(moderator, maya, maya_post):
    user_suspend(moderator=moderator, user=maya, reason="Spam")

    user_unsuspend(moderator=moderator, user=maya, reason="Mistake")

    assert User.objects.visible().filter(pk=maya.pk).exists()
    assert Post.objects.visible().filter(pk=maya_post.pk).exists()
    assert AuditLogEntry.objects.first().action == "user_unsuspended"
    with pytest.raises(ValidationError) as error:
        user_unsuspend(moderator=moderator, user=maya, reason="Again")
    assert _messages(error) == ["@maya is not suspended."]


# user_approve


def test_user_approve_lets_the_person_in_emails_them_and_logs_it(
    moderator, mailoutbox, django_capture_on_commit_callbacks
):
    pending = UserFactory(username="newbie", awaiting_approval=True)
    assert not User.objects.visible().filter(pk=pending.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        user_approve(moderator=moderator, user=pending, reason="Real sound designer")

    assert User.objects.visible().filter(pk=pending.pk).exists()
    assert len(mailoutbox) == 1 and "approved" in mailoutbox[0].subject
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.target_repr, entry.reason) == (
        "user_approved",
        "@newbie",
        "Real sound designer",
    )
    with pytest.raises(ValidationError) as error:
        user_approve(moderator=moderator, user=pending, reason="Again")
    assert _messages(error) == ["@newbie is not waiting for approval."]
    assert AuditLogEntry.objects.count() == 1


# report_dismiss


def test_report_dismiss_closes_the_report_and_leaves_the_target_alone(
    moderator, post_report, maya_post
):
    report_dismiss(moderator=moderator, report=post_report, reason="Not spam, a real offer")

    post_report.refresh_from_db()
    assert post_report.status == Report.Status.DISMISSED
    assert post_report.handled_by == moderator
    assert Post.objects.visible().filter(pk=maya_post.pk).exists()
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.report, entry.target_post, entry.target_user) == (
        "report_dismissed",
        post_report,
        maya_post,
        maya_post.author,
    )
    with pytest.raises(ValidationError) as error:
        report_dismiss(moderator=moderator, report=post_report, reason="Again")
    assert _messages(error) == ["This report is already closed."]


# industry_merge


def test_industry_merge_moves_everyone_and_deletes_only_the_source(moderator):
    sound = IndustryFactory(name="Sound", slug="sound")
    audio = IndustryFactory(name="Audio", slug="audio")
    members = [UserFactory(industry=sound), UserFactory(industry=sound)]
    already = UserFactory(industry=audio)

    moved = industry_merge(moderator=moderator, source=sound, target=audio, reason="Duplicate")

    assert moved == 2
    assert not type(sound).objects.filter(pk=sound.pk).exists()
    assert set(audio.members.all()) == {*members, already}
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.target_repr) == ("industry_merged", "Sound → Audio (2 moved)")


def test_industry_merge_refuses_merging_into_itself(moderator):
    sound = IndustryFactory(name="Sound", slug="sound")

    with pytest.raises(ValidationError) as error:
        industry_merge(moderator=moderator, source=sound, target=sound, reason="Oops")

    assert _messages(error) == ["Choose two different industries."]
    assert type(sound).objects.filter(pk=sound.pk).exists()


def test_a_failed_action_leaves_no_audit_row(moderator, maya_post):
    # The audit row is written in the same transaction: if the action fails, nothing is logged.
    post_remove(moderator=moderator, post=maya_post, reason="Spam")
    with pytest.raises(ValidationError):
        already_removed = PostFactory(removed_at=maya_post.removed_at)
        post_remove(moderator=moderator, post=already_removed, reason="x")

    assert AuditLogEntry.objects.count() == 1
