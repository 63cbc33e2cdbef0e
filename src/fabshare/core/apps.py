from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fabshare.core"
    label = "core"

    def ready(self):
        from fabshare.core import lookups  # noqa: F401  (registers ``__any_of``)
