from bench.support import foundation, page


def _list_and_export(ctx):
    from ideas.models import Idea, IdeaStatus

    orgs, users = foundation(ctx)
    member = users["member"].person
    rows = []
    for total in (500, 5000):
        have = Idea.objects.count()
        Idea.objects.bulk_create(
            [
                Idea(
                    owner_org=orgs.committee,
                    code=f"JDBENCH{i:05d}",
                    title=f"基准金点子{i}",
                    body="建议内容" * 20,
                    citizen_name="基准市民",
                    citizen_phone="13800000000",
                    status=IdeaStatus.CLAIMED if i % 3 else IdeaStatus.SUBMITTED,
                    claimed_by=member if i % 3 else None,
                    search_text=f"基准金点子{i}",
                )
                for i in range(have, total)
            ],
            batch_size=500,
        )
        rows.append({"ideas": total, "page": "list", **page(users["staff"], "/ideas/?sort=claimed_by")})
        rows.append({"ideas": total, "page": "search", **page(users["staff"], "/ideas/?q=金点子4")})
        rows.append(
            {"ideas": total, "page": "export", **page(users["staff"], "/ideas/export.xlsx", repeat=2)}
        )
    return rows


BENCHMARKS = [("citizen ideas: staff list, search and Excel export", _list_and_export)]
