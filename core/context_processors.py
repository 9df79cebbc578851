from django.conf import settings


def site(request):
    """Values every page needs: the instance's name, and the path of this page (`here`, the
    `next` of the forms on it: computed once, not once per post card)."""
    return {"site_name": settings.SITE_NAME, "here": request.get_full_path()}
