import factory

from ideas.models import Idea, IdeaStatus


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea

    code = factory.Sequence(lambda n: f"JDTEST{n:04d}")
    title = factory.Sequence(lambda n: f"增加社区运动场地{n}")
    body = "希望在老城区多建一些免费的运动场地，方便青少年锻炼。"
    citizen_name = "李市民"
    citizen_phone = "13812345678"
    citizen_email = "citizen@example.test"
    wants_followup = True
    status = IdeaStatus.SUBMITTED
    search_text = factory.LazyAttribute(lambda i: f"{i.title}|{i.code.lower()}")
