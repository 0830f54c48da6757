"""generate_scale_data: realistic rows for every app that obey the apps' rules, the same for the same seed."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client

from core.scale import SCALES, Generator, Scale, generate_all

TINY = Scale("tiny", "测试", 40, 2, 120, 1_500, 3, 6, 20, 30, 40, 10)


def _generate(seed=1, scale=TINY):
    gen = Generator(scale, seed=seed, out=io.StringIO())
    generate_all(gen)
    return gen


def _fingerprint():
    from activities.models import Invitation
    from members.models import Person
    from proposals.models import Proposal

    return (
        sorted(Person.objects.values_list("name", "region", "birth_date")),
        sorted(Proposal.objects.values_list("title", "status", "author__name", "number")),
        sorted(Counter(Invitation.objects.values_list("status", flat=True)).items()),
    )


@pytest.mark.django_db(transaction=False)
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    prints = []
    for seed in (5, 5, 6):
        with transaction.atomic():
            _generate(seed)
            prints.append(_fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


@pytest.mark.django_db
def test_generated_data_covers_every_state_and_what_each_step_leaves():
    from activities.models import Invitation
    from members.models import IdentityDocument, Person, Phone
    from proposals.models import Assignment, Proposal, ProposalStatus, ProposalTerm, Rating, Reply
    from proposals.similarity import similar_ids

    gen = _generate()
    assert Person.objects.count() == TINY.persons
    assert Invitation.objects.count() == TINY.invitations
    statuses = set(Proposal.objects.values_list("status", flat=True))
    assert statuses == set(ProposalStatus.values)
    handling = Proposal.objects.filter(status=ProposalStatus.HANDLING)
    assert all(Assignment.objects.filter(proposal=p, ended_at__isnull=True).exists() for p in handling)
    closed = Proposal.objects.filter(status=ProposalStatus.CLOSED)
    assert Reply.objects.filter(proposal__in=closed).count() == closed.count()
    assert Rating.objects.filter(reply__proposal__in=closed).count() == closed.count()
    assert not Proposal.objects.filter(
        status__in=ProposalStatus.values, number__isnull=False, session__isnull=True
    )
    # Identity data is encrypted at rest and findable by its blind index, as the services write it.
    doc = IdentityDocument.objects.first()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {IdentityDocument._meta.db_table} WHERE id = %s", [doc.pk])
        assert cursor.fetchone()[0] != doc.number
    phone = Phone.objects.first()
    from core.crypto import blind_index

    assert Phone.objects.filter(number_index=blind_index(phone.number)).exists()
    # The similarity index answers like the one the services keep.
    p = Proposal.objects.filter(status=ProposalStatus.CLOSED).first()
    assert ProposalTerm.objects.filter(proposal=p).exists()
    assert p.pk in [pk for pk, _ in similar_ids(p.title, p.body, limit=50)]
    assert gen.counts["proposals.Proposal"] == TINY.proposals
    # Donations: each one's shares add up to it (the archive counts shares per person).
    from django.db.models import Sum

    from archives.models import Donation

    for donation in Donation.objects.annotate(
        total=Sum("shares__amount"), hours=Sum("shares__volunteer_hours")
    ):
        assert donation.total == donation.amount and donation.hours == donation.volunteer_hours
    assert Donation.objects.exists()


@pytest.mark.django_db
def test_generated_logins_see_the_data_on_their_pages():
    _generate()
    from accounts.models import User

    client = Client()
    staff = User.objects.get(username="scale_staff")
    assert staff.check_password("Tongxin@2025")
    client.force_login(staff)
    for url in (
        "/members/",
        "/proposals/",
        "/activities/",
        "/visits/",
        "/opinions/",
        "/ideas/",
        "/archives/",
        "/archives/donations/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    from proposals.models import Proposal

    page = client.get("/proposals/")
    assert Proposal.objects.order_by("-created_at").first().title in page.content.decode()
    member = Client()
    member.force_login(User.objects.get(username="m000000"))
    assert member.get("/activities/my/").status_code == 200


@pytest.mark.django_db
def test_the_command_refuses_a_second_run_on_the_same_database():
    out = io.StringIO()
    call_command("generate_scale_data", "--scale", "committee", "--no-demo", stdout=out)
    assert "规模数据已生成" in out.getvalue()
    with pytest.raises(CommandError, match="已经生成过规模数据"):
        call_command("generate_scale_data", "--scale", "committee", "--no-demo", stdout=io.StringIO())


def test_the_scales_have_the_sizes_the_issue_names():
    assert (SCALES["city"].persons, SCALES["city"].proposals, SCALES["city"].invitations) == (
        800,
        4_000,
        300_000,
    )
    assert (SCALES["national"].persons, SCALES["national"].proposals) == (2_200, 30_000)
    province = SCALES["province"]
    assert (province.persons, province.bodies, province.years) == (50_000, 150, 10)
    assert (province.proposals, province.invitations) == (300_000, 5_000_000)
