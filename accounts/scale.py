"""Scale data: office logins for every CPPCC body of the scale and one login per handling department.

`scale_staff` and `scale_leader` work at the top body of the scale (they see everything below it); every
other CPPCC body gets `staffNNN`/`leaderNNN`, every department `unitNNN`. All use the demo password. The
password is hashed once and the hash reused (argon2 per row would take minutes at province scale).
Stores: `office_users` {cppcc id: [staff, leader]}, `unit_users` {unit id: user}, `password_hash`.
"""

from django.contrib.auth.hashers import make_password

from core.demo import DEMO_PASSWORD
from core.roles import Role

from .models import User


def generate(gen) -> None:
    password = make_password(DEMO_PASSWORD)
    gen.store["password_hash"] = password
    root = gen.store["root"]
    users, owners = [], []
    for i, cppcc in enumerate(gen.store["cppccs"]):
        for role, prefix, label in ((Role.STAFF, "staff", "工作人员"), (Role.LEADER, "leader", "领导")):
            username = f"scale_{prefix}" if cppcc.pk == root.pk else f"{prefix}{i:03d}"
            users.append(
                User(
                    username=username,
                    password=password,
                    role=role,
                    organisation=cppcc,
                    full_name=f"{cppcc.display_name}{label}",
                    email=f"{username}@scale.tongxin.local",
                    date_joined=gen.now,
                )
            )
            owners.append(("office", cppcc.pk))
    for i, unit in enumerate(gen.store["units"]):
        users.append(
            User(
                username=f"unit{i:03d}",
                password=password,
                role=Role.UNIT,
                organisation=unit,
                full_name=f"{unit.display_name}联络员",
                email=f"unit{i:03d}@scale.tongxin.local",
                date_joined=gen.now,
            )
        )
        owners.append(("unit", unit.pk))
    saved = gen.bulk(User, users, label="办公账号")
    office, units = {}, {}
    for user, (kind, org_id) in zip(saved, owners, strict=True):
        if kind == "office":
            office.setdefault(org_id, []).append(user)
        else:
            units[org_id] = user
    gen.store["office_users"] = office
    gen.store["unit_users"] = units
