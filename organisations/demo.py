"""The bodies named in the source document, as a tree across levels."""

from .models import Organisation, OrgKind, OrgLevel
from .services import organisation_create

# (name, short name, aliases, kind, level, parent name, handling unit)
BODIES = [
    ("全国政协", "全国政协", "中国人民政治协商会议全国委员会", OrgKind.CPPCC, OrgLevel.NATIONAL, None, False),
    (
        "广东省政协",
        "省政协",
        "中国人民政治协商会议广东省委员会",
        OrgKind.CPPCC,
        OrgLevel.PROVINCIAL,
        "全国政协",
        False,
    ),
    (
        "广东省政协港澳台侨和外事委员会",
        "省港澳委",
        "省政协港澳委",
        OrgKind.COMMITTEE,
        OrgLevel.PROVINCIAL,
        "广东省政协",
        False,
    ),
    (
        "广州市政协",
        "市政协",
        "中国人民政治协商会议广州市委员会",
        OrgKind.CPPCC,
        OrgLevel.CITY,
        "广东省政协",
        False,
    ),
    (
        "广州市政协港澳台侨外事委员会",
        "港澳台侨外事委",
        "市政协港澳台侨外事委、港澳台侨外事委员会",
        OrgKind.COMMITTEE,
        OrgLevel.CITY,
        "广州市政协",
        False,
    ),
    ("广州市政协提案委员会", "提案委", "", OrgKind.COMMITTEE, OrgLevel.CITY, "广州市政协", False),
    ("广州市天河区政协", "天河区政协", "", OrgKind.CPPCC, OrgLevel.DISTRICT, "广州市政协", False),
    ("广州市番禺区政协", "番禺区政协", "", OrgKind.CPPCC, OrgLevel.DISTRICT, "广州市政协", False),
    ("广州市花都区政协", "花都区政协", "", OrgKind.CPPCC, OrgLevel.DISTRICT, "广州市政协", False),
    ("广东省卫生健康委员会", "省卫健委", "", OrgKind.DEPARTMENT, OrgLevel.PROVINCIAL, None, True),
    ("广州市体育局", "市体育局", "", OrgKind.DEPARTMENT, OrgLevel.CITY, None, True),
    (
        "广州市规划和自然资源局",
        "市规划和自然资源局",
        "市规划资源局",
        OrgKind.DEPARTMENT,
        OrgLevel.CITY,
        None,
        True,
    ),
    ("广州市林业和园林局", "市林业园林局", "", OrgKind.DEPARTMENT, OrgLevel.CITY, None, True),
    ("广州市卫生健康委员会", "市卫健委", "", OrgKind.DEPARTMENT, OrgLevel.CITY, None, True),
    ("广州市教育局", "市教育局", "", OrgKind.DEPARTMENT, OrgLevel.CITY, None, True),
    (
        "广州市发展和改革委员会",
        "市发展改革委",
        "大湾区办、市发展改革委(大湾区办)",
        OrgKind.DEPARTMENT,
        OrgLevel.CITY,
        None,
        True,
    ),
    (
        "中共广州市委统一战线工作部",
        "市委统战部",
        "市侨办、市委统战部(市侨办)",
        OrgKind.PARTY,
        OrgLevel.CITY,
        None,
        False,
    ),
    (
        "中共广州市委外事工作委员会办公室",
        "市委外办",
        "市港澳办、市委外办(市港澳办)",
        OrgKind.PARTY,
        OrgLevel.CITY,
        None,
        False,
    ),
    ("广州市人民政府台湾事务办公室", "市台办", "", OrgKind.PARTY, OrgLevel.CITY, None, False),
    ("香港广州市政协委员联谊会", "香港穗政协委员联谊会", "", OrgKind.ASSOCIATION, OrgLevel.NONE, None, False),
    ("澳门穗协联谊会", "澳门穗协", "", OrgKind.ASSOCIATION, OrgLevel.NONE, None, False),
    ("香港广州社团总会", "香港广州社团总会", "", OrgKind.ASSOCIATION, OrgLevel.NONE, None, False),
    ("广东祈福医院", "祈福医院", "", OrgKind.INSTITUTION, OrgLevel.NONE, None, False),
]


def load(out) -> None:
    created = 0
    for name, short, aliases, kind, level, parent_name, unit in BODIES:
        if Organisation.objects.filter(name=name).exists():
            continue
        parent = Organisation.objects.get(name=parent_name) if parent_name else None
        organisation_create(
            actor=None,
            name=name,
            short_name=short,
            aliases=aliases,
            kind=kind,
            level=level,
            parent=parent,
            is_handling_unit=unit,
            check=False,
        )
        created += 1
    out.write(f"组织机构：新建 {created} 个，共 {Organisation.objects.count()} 个。")
