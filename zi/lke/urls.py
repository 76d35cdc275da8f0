app_name = "lke"

urlpatterns: list = []
