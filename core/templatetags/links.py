from django import template

from core.links import link as link_to

register = template.Library()


@register.simple_tag(name="link")
def link(name, *args):
    """`{% link 'posts:like' post.id %}`: like `{% url %}`, for templates repeated on a page (a
    post card); see core.links. `{% link ... as var %}` works too."""
    return link_to(name, *args)
