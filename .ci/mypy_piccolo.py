"""mypy plugin: the ``id`` column Piccolo gives every table.

Piccolo adds the primary key ``id = Serial()`` to a ``Table`` subclass at run time
(``Table.__init_subclass__``), so mypy sees no ``id`` on ``User`` or ``user``. This
declares it as the ``Serial`` column it is; ``Serial.__get__`` then types ``User.id`` as the
column and ``user.id`` as ``int``, as for every column the table declares. A table that
declares its own ``id`` is left alone.
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.nodes import MDEF, SymbolTableNode, TypeInfo, Var
from mypy.plugin import ClassDefContext, Plugin
from mypy.types import AnyType, Instance, TypeOfAny

TABLE = "piccolo.table.Table"
SERIAL = "piccolo.columns.column_types.Serial"


def _add_id(ctx: ClassDefContext) -> None:
    info = ctx.cls.info
    if "id" in info.names or any("id" in base.names for base in info.mro[1:-1]):
        return
    serial = ctx.api.lookup_fully_qualified_or_none(SERIAL)
    node = serial.node if serial else None
    # Piccolo's columns are analysed before the tables that import them; if not, Any.
    typ = Instance(node, []) if isinstance(node, TypeInfo) else AnyType(TypeOfAny.special_form)
    var = Var("id", typ)
    var.info = info
    var._fullname = f"{info.fullname}.id"
    var.is_initialized_in_class = True
    info.names["id"] = SymbolTableNode(MDEF, var, plugin_generated=True)


class PiccoloPlugin(Plugin):
    def get_base_class_hook(self, fullname: str) -> Callable[[ClassDefContext], None] | None:
        return _add_id if fullname == TABLE else None


def plugin(version: str) -> type[Plugin]:
    return PiccoloPlugin
