from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "zi.programme"
    label = "programme"

    def ready(self) -> None:
        from zi.core.home import register_inbox
        from zi.programme.home import overdue_complaints

        register_inbox(overdue_complaints)
