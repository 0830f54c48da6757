from bench.support import foundation, page


def _list_page(ctx):
    from organisations.tests.factories import OrganisationFactory

    orgs, users = foundation(ctx)
    rows = []
    for total in (100, 1000):
        have = OrganisationFactory._meta.model.objects.count()
        for i in range(have, total):
            OrganisationFactory(name=f"基准机构{i}", parent=orgs.city)
        rows.append({"organisations": total, **page(users["staff"], "/organisations/")})
    rows.append({"organisations": "home page", **page(users["staff"], "/")})
    return rows


BENCHMARKS = [("organisation list and home page (staff)", _list_page)]
