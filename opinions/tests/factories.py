import factory

from members.tests.factories import PersonFactory
from opinions.models import OpinionReport, ReportStatus


class OpinionReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpinionReport

    author = factory.SubFactory(PersonFactory, owner_org=factory.SelfAttribute("..owner_org"))
    title = factory.Sequence(lambda n: f"关于改善港澳青年创业服务的建议{n}")
    situation = "港澳青年在穗创业遇到的实际困难。"
    analysis = "政策分散、窗口多。"
    suggestion = "建立一站式服务窗口。"
    status = ReportStatus.DRAFT
    search_text = factory.LazyAttribute(lambda r: r.title)
