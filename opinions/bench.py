from bench.support import foundation, page


def _register(ctx):
    from opinions.models import OpinionReport, ReportStatus

    orgs, users = foundation(ctx)
    author = users["member"].person
    rows = []
    for total in (500, 5000):
        have = OpinionReport.objects.count()
        OpinionReport.objects.bulk_create(
            [
                OpinionReport(
                    owner_org=orgs.committee,
                    author=author,
                    title=f"基准社情民意{i}",
                    situation="情况" * 100,
                    analysis="分析" * 100,
                    suggestion="建议" * 100,
                    status=ReportStatus.SUBMITTED,
                    search_text=f"基准社情民意{i}",
                )
                for i in range(have, total)
            ],
            batch_size=500,
        )
        rows.append({"reports": total, "page": "register", **page(users["staff"], "/opinions/")})
        rows.append({"reports": total, "page": "member's own", **page(users["member"], "/opinions/")})
        rows.append(
            {"reports": total, "page": "export", **page(users["staff"], "/opinions/export.xlsx", repeat=2)}
        )
    return rows


BENCHMARKS = [("public-opinion reports: register, member's list and Excel export", _register)]
