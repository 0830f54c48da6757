"""Staff close a year in the browser (confirm first) and download the ZIP; a running batch's progress bar moves
by itself (htmx polling), stops polling when done and shows the same after a reload (headless Chromium)."""

import pytest
from playwright.sync_api import expect

from archives import closing
from archives.models import ClosingRun, RunStatus
from archives.tests.factories import generated_year, hand_rules

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMITTEE_PERSONS = 7


def _login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Passw0rd!x")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")


def test_staff_close_the_year_and_watch_a_batch_finish(page, live_server, orgs, users):
    people = generated_year(orgs, users)
    rule_set = hand_rules(users["staff"])
    page.set_default_timeout(90_000)  # the job renders seven PDFs inside the request (immediate backend)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _login(page, live_server, "staff")

    page.goto(f"{live_server.url}/archives/?year=2025")
    page.click("a:has-text('年度归档')")
    page.select_option("#closing-start select[name=year]", "2025")
    page.click("#closing-start button")
    assert f"{COMMITTEE_PERSONS}" in page.inner_text("#closing-confirm")
    page.click("button:has-text('确认开始归档')")
    page.wait_for_selector("#run-zip")
    assert page.inner_text("#run-status") == "已完成"
    assert page.inner_text("#run-count") == f"{COMMITTEE_PERSONS}/{COMMITTEE_PERSONS}"
    with page.expect_download() as download:
        page.click("#run-zip")
    assert download.value.suggested_filename.endswith(".zip")

    # A batch in progress (as the worker leaves it between two persons): the bar moves without a reload.
    run = ClosingRun.objects.create(
        owner_org=rule_set.owner_org, year=2025, rule_set=rule_set, status=RunStatus.RUNNING, total=7, done=2,
        message="已生成 乙委员 的档案。",
    )  # fmt: skip
    page.goto(f"{live_server.url}/archives/closing/{run.pk}/")
    assert page.inner_text("#run-count") == "2/7"
    assert page.get_attribute("#run-bar", "value") == "29"
    ClosingRun.objects.filter(pk=run.pk).update(done=5)
    expect(page.locator("#run-count")).to_have_text("5/7", timeout=10_000)
    page.reload()  # the progress survives a reload: it lives on the batch, not in the page
    assert page.inner_text("#run-count") == "5/7"
    closing.closing_run_execute(run_id=run.pk)
    page.wait_for_selector("#run-zip")
    assert page.inner_text("#run-status") == "已完成"
    assert page.get_attribute("#run-progress", "hx-trigger") is None  # polling has stopped
    assert people.A.archives.count() == 1
    assert not errors
