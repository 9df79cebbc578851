app_name = "follows"

urlpatterns = []
