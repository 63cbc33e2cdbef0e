from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fabshare.core"
    label = "core"
