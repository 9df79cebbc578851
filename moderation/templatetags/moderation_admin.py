from django import template

from moderation.selectors import dashboard_counts

register = template.Library()


@register.inclusion_tag("moderation/admin/dashboard.html", takes_context=True)
def moderation_dashboard(context):
    return {"counts": dashboard_counts(), "perms": context["perms"]}
