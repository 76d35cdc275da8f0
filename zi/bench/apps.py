from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Synthetic national-scale data (``zi bench generate``), measurements (``zi bench run``), streaming exports."""

    name = "zi.bench"
    label = "bench"
    default_auto_field = "django.db.models.BigAutoField"
