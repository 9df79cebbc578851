"""The server's own description: Mastodon's instance methods (v1 and v2), custom emojis, and
the NodeInfo discovery documents crawlers read. Public: no token needed. These patterns sit at
the site's root (api.urls), so their paths include "api/"."""

from django.urls import path, re_path, reverse
from django.utils.html import escape, linebreaks

from api.entities.accounts import Origin
from api.entities.instance import description, instance_v1, instance_v2, nodeinfo
from api.http import endpoint, json_response

NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/{}"
NODEINFO_PROFILE = 'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/{}#"'
UNCHANGED = "1970-01-01T00:00:00.000Z"


@endpoint("GET")
def v2(request):
    return json_response(instance_v2(Origin(request), request.get_host()))


@endpoint("GET")
def v1(request):
    return json_response(instance_v1(Origin(request), request.get_host()))


@endpoint("GET")
def empty_list(request):
    """Peers, weekly activity, rules, custom emojis, moderated servers: the site federates with
    nobody, keeps no weekly figures, lists no rules of its own and has no custom emojis."""
    return json_response([])


@endpoint("GET")
def translation_languages(request):
    return json_response({})


@endpoint("GET")
def extended_description(request):
    """The description as HTML; it changes only with a deploy, so its time is no news."""
    content = linebreaks(escape(description()))
    return json_response({"updated_at": UNCHANGED, "content": content})


@endpoint("GET")
def nodeinfo_links(request):
    """/.well-known/nodeinfo: where the documents are."""
    origin = Origin(request)
    return json_response(
        {
            "links": [
                {
                    "rel": NODEINFO_SCHEMA.format(version),
                    "href": origin.url(reverse("api:nodeinfo", args=[version])),
                }
                for version in ("2.0", "2.1")
            ]
        }
    )


@endpoint("GET")
def nodeinfo_document(request, version):
    response = json_response(nodeinfo(version))
    response["Content-Type"] = NODEINFO_PROFILE.format(version)
    return response


urlpatterns = [
    path("api/v2/instance", v2, name="instance"),
    path("api/v1/instance", v1, name="instance_v1"),
    path("api/v1/instance/peers", empty_list, name="instance_peers"),
    path("api/v1/instance/activity", empty_list, name="instance_activity"),
    path("api/v1/instance/rules", empty_list, name="instance_rules"),
    path("api/v1/instance/domain_blocks", empty_list, name="instance_domain_blocks"),
    path(
        "api/v1/instance/extended_description",
        extended_description,
        name="instance_extended_description",
    ),
    path(
        "api/v1/instance/translation_languages",
        translation_languages,
        name="instance_translation_languages",
    ),
    path("api/v1/custom_emojis", empty_list, name="custom_emojis"),
    path(".well-known/nodeinfo", nodeinfo_links, name="nodeinfo_links"),
    re_path(r"^nodeinfo/(?P<version>2\.[01])\Z", nodeinfo_document, name="nodeinfo"),
]
