from django.http import HttpResponse
from django.urls import path


def signed_in(request):
    return HttpResponse(f"ok {request.user.pk}")


urlpatterns = [path("", signed_in)]
