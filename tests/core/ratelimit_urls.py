from django.http import HttpResponse
from django.urls import path

from core.ratelimit import rate_limit
from microblog.urls import urlpatterns as site_urlpatterns


@rate_limit("post")
def limited(request):
    return HttpResponse("done")


urlpatterns = [path("limited/", limited), *site_urlpatterns]
