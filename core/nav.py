"""Navigation entries are declared by each app (`nav_items` on its AppConfig) so the menu only shows what exists."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    model: str  # "app_label.modelname" whose `view` permission shows the entry
    action: str = "view"
    order: int = 50
