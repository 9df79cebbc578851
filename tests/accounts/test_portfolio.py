"""The profile as a portfolio: up to 5 roles from the admin's list and credits ("Dialogue
editor, Night Shift, 2024"), on the profile and found through the directory's role filter and
search; in the data export; refused input named beside its field."""

import json

import pytest

from accounts.models import Credit, Role
from accounts.services import credit_create
from tests.factories import IndustryFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def roles(*slugs) -> list[str]:
    assert Role.objects.filter(slug__in=slugs).count() == len(slugs)
    return list(slugs)


def profile_data(**changes):
    industry = IndustryFactory(name="Post", slug="post")
    return {"display_name": "Priya", "industry": industry.pk, **changes}


def test_up_to_five_roles_are_chosen_in_the_profile_settings(client_logged_in):
    page = client_logged_in.get("/settings/profile/").content.decode()
    assert " Dialogue editor</label>" in page and " Foley artist</label>" in page

    chosen = roles("dialogue-editor", "foley-artist", "re-recording-mixer")
    response = client_logged_in.post("/settings/profile/", profile_data(roles=chosen))

    assert response.status_code == 302
    assert sorted(client_logged_in.user.roles.values_list("slug", flat=True)) == [
        "dialogue-editor",
        "foley-artist",
        "re-recording-mixer",
    ]


def test_six_roles_are_refused_beside_the_field_and_the_rest_stays(client_logged_in):
    six = roles(
        "composer", "colourist", "producer", "orchestrator", "music-editor", "sound-designer"
    )
    response = client_logged_in.post(
        "/settings/profile/", profile_data(roles=six, display_name="Typed name")
    )
    page = response.content.decode()

    assert response.status_code == 422
    assert "Choose up to 5 roles; you chose 6." in page
    assert 'value="Typed name"' in page
    assert not client_logged_in.user.roles.exists()


def test_a_role_that_does_not_exist_is_refused(client_logged_in):
    response = client_logged_in.post("/settings/profile/", profile_data(roles=["999999", "²"]))

    assert response.status_code == 422
    assert "Choose roles from the list." in response.content.decode()


def test_credits_are_added_and_removed_with_and_without_htmx(client_logged_in):
    added = client_logged_in.post(
        "/settings/credits/", {"role": "Dialogue editor", "title": "Night Shift", "year": "2024"}
    )
    assert added.status_code == 302
    section = client_logged_in.post(
        "/settings/credits/",
        {"role": "Foley artist", "title": "The Long Field", "year": "2026"},
        **HTMX,
    ).content.decode()
    assert section.index("The Long Field") < section.index("Night Shift")  # newest year first

    credit = Credit.objects.get(title="Night Shift")
    client_logged_in.post("/settings/credits/", {"remove": credit.pk}, **HTMX)
    assert list(client_logged_in.user.credits.values_list("title", flat=True)) == ["The Long Field"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "Mixer", "title": "", "year": "2024"}, "This field is required."),
        ({"role": "", "title": "Reel", "year": "2024"}, "This field is required."),
        ({"role": "Mixer", "title": "Reel", "year": "1850"}, "greater than or equal to 1900"),
        ({"role": "Mixer", "title": "Reel", "year": "2400"}, "less than or equal to"),
        ({"role": "Mixer", "title": "Reel", "year": "²"}, "Give the year as a number"),
        ({"role": "Mixer", "title": "   ", "year": "2024"}, "This field is required."),
        ({"role": "Mixer", "title": "R" * 121, "year": "2024"}, "at most 120 characters"),
    ],
)
def test_a_bad_credit_is_refused_beside_its_field_and_kept(client_logged_in, data, message):
    response = client_logged_in.post("/settings/credits/", data)
    page = response.content.decode()

    assert response.status_code == 422
    assert message in page
    assert not Credit.objects.exists()
    if data["role"]:
        assert f'value="{data["role"]}"' in page


def test_nobody_removes_someone_elses_credit(client_logged_in):
    theirs = credit_create(user=UserFactory(), title="Theirs", role="Composer", year=2020)

    client_logged_in.post("/settings/credits/", {"remove": theirs.pk})

    assert Credit.objects.filter(pk=theirs.pk).exists()


def test_the_profile_shows_roles_and_credits(client):
    priya = UserFactory(username="priya")
    priya.roles.set(Role.objects.filter(slug__in=["dialogue-editor", "foley-artist"]))
    credit_create(user=priya, title="Night Shift", role="Dialogue editor", year=2024)
    credit_create(user=priya, title="Harbour <Lights>", role="Foley artist", year=2021)

    page = client.get("/@priya/").content.decode()

    assert 'href="/people/?role=dialogue-editor">Dialogue editor</a>' in page
    assert "Dialogue editor, <cite>Night Shift</cite>, 2024" in page
    assert "<cite>Harbour &lt;Lights&gt;</cite>" in page
    assert page.index("Night Shift") < page.index("Harbour")


@pytest.mark.parametrize("count", [1, 10])
def test_roles_and_credits_cost_two_queries_and_none_without(
    client, django_assert_num_queries, count
):
    priya = UserFactory(username="priya")
    plain = UserFactory(username="plain")
    priya.roles.set(Role.objects.all()[:5])
    for n in range(count):
        credit_create(user=priya, title=f"Work {n}", role="Mixer", year=2000 + n)

    with django_assert_num_queries(4):  # the person, roles, credits, posts
        client.get("/@priya/")
    with django_assert_num_queries(2):  # the person, posts
        client.get(f"/@{plain.username}/")


def test_the_directory_filters_by_role_and_finds_credits(client):
    priya, theo = UserFactory(display_name="Priya"), UserFactory(display_name="Theo")
    priya.roles.set(Role.objects.filter(slug="foley-artist"))
    credit_create(user=theo, title="Night Shift", role="Composer", year=2024)

    by_role = client.get("/people/?role=foley-artist").content.decode()
    by_credit = client.get("/people/?q=night+shi").content.decode()
    unknown = client.get("/people/?role=astronaut")

    assert ">Priya</a>" in by_role and ">Theo</a>" not in by_role
    assert ">Theo</a>" in by_credit and ">Priya</a>" not in by_credit
    assert unknown.status_code == 200
    assert "Choose a role from the list." in unknown.content.decode()


def test_the_export_has_roles_and_credits(client_logged_in):
    client_logged_in.user.roles.set(Role.objects.filter(slug="composer"))
    credit_create(user=client_logged_in.user, title="Night Shift", role="Composer", year=2024)

    data = json.loads(client_logged_in.get("/settings/data/export.json").content)

    assert data["profile"]["roles"] == ["Composer"]
    assert data["credits"] == [{"role": "Composer", "title": "Night Shift", "year": 2024}]
