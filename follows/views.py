from django.shortcuts import render


def home(request):
    """The home timeline for a signed-in person, the landing page for a visitor."""
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    return render(request, "follows/home.html")
