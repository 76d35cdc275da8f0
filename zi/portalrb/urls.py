app_name = "portalrb"

urlpatterns: list = []
