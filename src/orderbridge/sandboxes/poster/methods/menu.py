"""menu.*: the method table of the Products section.

The handlers live by concern: reads and wire shapes in ``menu_read``/``menu_shapes``,
writes in ``menu_categories``, ``menu_products`` and ``menu_dishes``. Changes the
register page makes outside the API are in ``orderbridge.sandboxes.poster.menu_ops``.
"""

from __future__ import annotations

from orderbridge.sandboxes.poster.context import Handler
from orderbridge.sandboxes.poster.methods import (
    menu_categories,
    menu_dishes,
    menu_ingredients,
    menu_prepacks,
    menu_products,
    menu_read,
    menu_workshops,
)

METHODS: dict[str, Handler] = {
    "menu.getCategories": menu_read.get_categories,
    "menu.getCategory": menu_read.get_category,
    "menu.createCategory": menu_categories.create_category,
    "menu.updateCategory": menu_categories.update_category,
    "menu.removeCategory": menu_categories.remove_category,
    "menu.getProducts": menu_read.get_products,
    "menu.getProduct": menu_read.get_product,
    "menu.createProduct": menu_products.create_product,
    "menu.updateProduct": menu_products.update_product,
    "menu.removeProduct": menu_products.remove_product,
    "menu.createDish": menu_dishes.create_dish,
    "menu.updateDish": menu_dishes.update_dish,
    "menu.removeDish": menu_dishes.remove_dish,
    **menu_prepacks.METHODS,
    **menu_ingredients.METHODS,
    **menu_workshops.METHODS,
}
