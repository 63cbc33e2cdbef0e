from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _forget_process_tree(sender, **kwargs):
    from django.core.cache import cache

    from fabshare.catalog.selectors import PROCESS_PARENTS_KEY

    cache.delete(PROCESS_PARENTS_KEY)


class CatalogConfig(AppConfig):
    name = "fabshare.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self):
        from fabshare.catalog.models import Process

        # A cached copy of the taxonomy's tree (selectors.process_parents) is dropped when a
        # process changes.
        post_save.connect(_forget_process_tree, sender=Process, dispatch_uid="process-tree")
        post_delete.connect(_forget_process_tree, sender=Process,
                            dispatch_uid="process-tree-del")
