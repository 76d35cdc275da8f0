from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "zi.surveys"
    label = "surveys"

    def ready(self) -> None:
        from zi.core.home import register_inbox
        from zi.surveys.home import short_campaigns

        register_inbox(short_campaigns)
