from core import permissions
from core.roles import EVERYONE

permissions.register("notifications.notification", "view", EVERYONE)
