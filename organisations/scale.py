"""Scale data: the bodies of the chosen scale (CPPCCs with their committees, handling departments).

Bodies are few (at most a few hundred), so they go through `organisation_create` like any other body: the tree's
`path`, `depth` and search column are kept by the service. Stores for later generators: `root` (the top CPPCC of
the scale), `cppccs` (every CPPCC body), `committees` {cppcc id: [special committees]}, `proposal_office`
{cppcc id: its 提案委员会}, `units` (handling departments).
"""

from . import demo
from .models import Organisation, OrgKind, OrgLevel
from .services import organisation_create

GUANGDONG_CITIES = [
    "深圳", "珠海", "汕头", "佛山", "韶关", "河源", "梅州", "惠州", "汕尾", "东莞",
    "中山", "江门", "阳江", "湛江", "茂名", "肇庆", "清远", "潮州", "揭阳", "云浮",
]  # fmt: skip
GUANGZHOU_DISTRICTS = ["越秀", "海珠", "荔湾", "天河", "白云", "黄埔", "番禺", "花都", "南沙", "从化", "增城"]
DISTRICT_SUFFIXES = ["城区", "东区", "西区", "南区", "北区", "新区", "高新区"]
COMMITTEES = [
    "提案委员会",
    "港澳台侨外事委员会",
    "经济委员会",
    "人口资源环境委员会",
    "教科卫体委员会",
    "社会和法制委员会",
    "民族宗教委员会",
    "文化文史和学习委员会",
]
DEPARTMENTS = [
    "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局", "财政局",
    "人力资源和社会保障局", "规划和自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水务局",
    "农业农村局", "商务局", "文化广电旅游局", "卫生健康委员会", "应急管理局", "审计局", "市场监督管理局",
    "体育局", "统计局", "医疗保障局", "城市管理和综合执法局", "林业和园林局", "政务服务数据管理局",
    "港澳事务办公室", "侨务办公室", "地方金融管理局",
]  # fmt: skip


def _body(name, *, short="", kind=OrgKind.CPPCC, level=OrgLevel.CITY, parent=None, unit=False):
    found = Organisation.objects.filter(name=name).first()
    if found:
        return found
    return organisation_create(
        actor=None,
        name=name,
        short_name=short,
        kind=kind,
        level=level,
        parent=parent,
        is_handling_unit=unit,
        check=False,
    )


def _with_committees(gen, cppcc, prefix, level, how_many):
    committees = [
        _body(f"{prefix}政协{c}", short=c.removesuffix("委员会") + "委", kind=OrgKind.COMMITTEE, level=level,
              parent=cppcc)
        for c in COMMITTEES[:how_many]
    ]  # fmt: skip
    gen.store["cppccs"].append(cppcc)
    gen.store["proposal_office"][cppcc.pk] = committees[0]
    gen.store["committees"][cppcc.pk] = committees[1:] or committees
    return committees


def generate(gen) -> None:
    scale = gen.scale
    demo.load(_Quiet())  # the bodies of the source document (idempotent)
    gen.store.update(cppccs=[], committees={}, proposal_office={}, units=[])
    if scale.name == "province":
        root = _body("广东省政协", level=OrgLevel.PROVINCIAL)
        _with_committees(gen, root, "广东省", OrgLevel.PROVINCIAL, 8)
        cities = [_body("广州市政协", parent=root)] + [
            _body(f"{c}市政协", parent=root) for c in GUANGDONG_CITIES
        ]
        names = ["广州"] + GUANGDONG_CITIES
        for city, name in zip(cities, names, strict=True):
            _with_committees(gen, city, f"{name}市", OrgLevel.CITY, 4)
        districts_needed = scale.bodies - 1 - len(cities)
        i = 0
        while i < districts_needed:
            city_i = i % len(cities)
            n = i // len(cities)
            if names[city_i] == "广州":
                d = GUANGZHOU_DISTRICTS[n % len(GUANGZHOU_DISTRICTS)] + ("区" if n < 11 else f"{n}区")
                dname = f"广州市{d}政协"
            else:
                dname = f"{names[city_i]}市{DISTRICT_SUFFIXES[n % len(DISTRICT_SUFFIXES)]}政协"
                if n >= len(DISTRICT_SUFFIXES):
                    dname = dname.replace("政协", f"{n}政协")
            district = _body(dname, level=OrgLevel.DISTRICT, parent=cities[city_i])
            _with_committees(gen, district, dname.removesuffix("政协"), OrgLevel.DISTRICT, 2)
            i += 1
        unit_prefixes = ["广东省", "广州市"]
    else:
        if scale.name == "national":
            root = _body("全国政协", level=OrgLevel.NATIONAL)
            _with_committees(gen, root, "全国", OrgLevel.NATIONAL, 8)
            unit_prefixes = ["国家"]
        else:
            root = _body("广州市政协", parent=Organisation.objects.filter(name="广东省政协").first())
            _with_committees(gen, root, "广州市", OrgLevel.CITY, 8 if scale.name == "city" else 2)
            for d in GUANGZHOU_DISTRICTS[: scale.bodies - 1]:
                district = _body(f"广州市{d}区政协", level=OrgLevel.DISTRICT, parent=root)
                _with_committees(gen, district, f"广州市{d}区", OrgLevel.DISTRICT, 2)
            unit_prefixes = ["广州市"]
    level = {"国家": OrgLevel.NATIONAL, "广东省": OrgLevel.PROVINCIAL}
    for i in range(scale.units):
        prefix = unit_prefixes[i % len(unit_prefixes)]
        name = DEPARTMENTS[(i // len(unit_prefixes)) % len(DEPARTMENTS)]
        round_ = i // (len(unit_prefixes) * len(DEPARTMENTS))
        full = f"{prefix}{name}" + (f"（第{round_ + 1}组）" if round_ else "")
        unit = _body(full, kind=OrgKind.DEPARTMENT, level=level.get(prefix, OrgLevel.CITY), unit=True)
        if not unit.is_handling_unit:
            Organisation.objects.filter(pk=unit.pk).update(is_handling_unit=True)
        gen.store["units"].append(unit)
    gen.store["root"] = root
    gen.say(
        f"  组织机构：{len(gen.store['cppccs'])} 个政协，"
        f"{sum(len(v) for v in gen.store['committees'].values())} 个专门委员会，{len(gen.store['units'])} 个承办单位"
    )


class _Quiet:
    def write(self, *args, **kwargs):
        pass
