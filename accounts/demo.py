"""One demo login per role (see core.demo.DEMO_LOGINS)."""

from core.demo import DEMO_LOGINS, DEMO_PASSWORD
from organisations.models import Organisation

from .models import User
from .services import user_create


def load(out) -> None:
    for username, (role, full_name, org_name) in DEMO_LOGINS.items():
        if User.objects.filter(username=username).exists():
            continue
        org = Organisation.objects.get(name=org_name) if org_name else None
        user = user_create(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            organisation=org,
            full_name=full_name,
            email=f"{username}@demo.tongxin.local",
            check=False,
            validate=False,
        )
        if role == "admin":
            user.is_staff = True
            user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
    out.write(f"演示账号：{len(DEMO_LOGINS)} 个，密码均为 {DEMO_PASSWORD}。")
