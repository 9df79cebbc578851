import pytest
from django.db import IntegrityError, transaction

from moderation.models import AuditLogEntry, AuditLogImmutable, Report, post_snapshot
from tests.factories import PostFactory, UserFactory


def _entry(moderator, post):
    return AuditLogEntry.objects.create(
        moderator=moderator,
        moderator_username=moderator.username,
        action=AuditLogEntry.Action.POST_REMOVED,
        target_post=post,
        target_user=post.author,
        target_repr=post_snapshot(post),
        reason="Spam",
    )


def test_a_report_names_exactly_one_target(reporter, maya, maya_post):
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=reporter, post=maya_post, user=maya, category="spam")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=reporter, category="spam")

    assert Report.objects.count() == 0


def test_one_open_report_per_person_and_target_in_the_database(post_report, user_report):
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            reporter=post_report.reporter, post=post_report.post, category="other"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=user_report.reporter, user=user_report.user, category="spam")

    Report.objects.filter(pk=post_report.pk).update(status=Report.Status.DISMISSED)
    Report.objects.create(reporter=post_report.reporter, post=post_report.post, category="other")

    assert Report.objects.filter(post=post_report.post).count() == 2


def test_others_may_report_the_same_post(post_report):
    Report.objects.create(reporter=UserFactory(), post=post_report.post, category="spam")

    assert post_report.post.reports.count() == 2


def test_post_snapshot_names_the_author_and_cuts_long_text(maya):
    long = PostFactory(author=maya, text="x" * 100)
    repost = PostFactory(author=maya, text="", repost_of=long)

    assert post_snapshot(long) == "@maya: " + "x" * 60 + "…"
    assert post_snapshot(repost) == f"@maya: repost of post #{long.pk}"


def test_audit_entries_cannot_be_changed_or_deleted_from_code(moderator, maya_post):
    entry = _entry(moderator, maya_post)

    entry.reason = "Something else"
    with pytest.raises(AuditLogImmutable, match="Audit log entries cannot be changed."):
        entry.save()
    with pytest.raises(AuditLogImmutable, match="Audit log entries cannot be deleted."):
        entry.delete()
    with pytest.raises(AuditLogImmutable, match="Audit log entries cannot be changed."):
        AuditLogEntry.objects.filter(pk=entry.pk).update(reason="Rewritten")
    with pytest.raises(AuditLogImmutable, match="Audit log entries cannot be deleted."):
        AuditLogEntry.objects.all().delete()

    entry.refresh_from_db()
    assert entry.reason == "Spam"


def test_audit_entry_outlives_the_post_and_people_it_names(db):
    moderator = UserFactory(username="old_mod")
    post = PostFactory(author=UserFactory(username="gone"), text="Hello")
    entry = _entry(moderator, post)

    post.author.delete()  # the post goes with its author
    moderator.delete()

    entry.refresh_from_db()
    assert entry.target_post is None and entry.target_user is None and entry.moderator is None
    assert entry.target_repr == "@gone: Hello"
    assert entry.moderator_username == "old_mod"
    assert str(entry) == "old_mod post removed: @gone: Hello"
