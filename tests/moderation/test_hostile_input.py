"""Every hostile payload in a report comment is refused with a message or stored and shown inert,
to the person (the form again) and to moderators (the report in the admin)."""

import pytest
from django.urls import reverse

from moderation.models import Report
from tests.data.hostile import SENDABLE_PAYLOADS
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("label", "payload"), SENDABLE_PAYLOADS, ids=[label for label, _ in SENDABLE_PAYLOADS]
)
def test_hostile_report_comments_are_refused_or_stored_inert(
    label, payload, client, reporter, moderator
):
    target = UserFactory(username="target")
    client.force_login(reporter)
    url = reverse("moderation:report_user", args=[target.username])

    response = client.post(url, {"category": "spam", "comment": payload})

    assert response.status_code in (302, 422), label
    if response.status_code == 422:
        content = response.content.decode()
        assert "errorlist" in content
        assert payload not in content or "<" not in payload
        assert Report.objects.count() == 0
        return
    report = Report.objects.get()
    client.force_login(moderator)
    for page in (
        reverse("admin:moderation_report_changelist"),
        reverse("admin:moderation_report_change", args=[report.pk]),
    ):
        content = client.get(page).content.decode()
        if "<" in report.comment:
            assert report.comment not in content, label
