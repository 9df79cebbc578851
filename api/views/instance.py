"""TODO"""

urlpatterns = []
