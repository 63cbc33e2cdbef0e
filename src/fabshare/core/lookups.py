"""``field__any_of=[…]``: ``__in`` for long lists of ids.

On PostgreSQL the list goes as one array parameter (``field = ANY(%s)``) instead of one
placeholder per value: for the few hundred ids a results page looks up, preparing, quoting
and parsing the placeholders cost more than the query itself (bench/matching). Elsewhere it
is a plain ``IN``. The values are used as given (ids), not converted one by one.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs:
            raise EmptyResultSet
        placeholders = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *self.rhs]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, self.rhs]


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # relations look up their own lookups only
