from django.conf import settings


def site(request):
    """Values every page needs: the instance's name."""
    return {"site_name": settings.SITE_NAME}
