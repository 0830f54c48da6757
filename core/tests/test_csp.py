"""Guard 7: a Content-Security-Policy without inline script. No template may hold inline script code, `on…=`
attributes or `javascript:` links (JS lives in each app's static/<app>/*.js, data comes via json_script); every
page sends the policy; pages reachable by each role render no inline script; htmx's eval features are off."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

ROOT = Path(settings.BASE_DIR)
SKIP_DIRS = {".venv", "node_modules", "var", ".git"}

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
EVENT_ATTRIBUTE = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)
HX_ON = re.compile(r"\shx-on[:\-]", re.I)


def _templates():
    for path in ROOT.rglob("templates/**/*.html"):
        if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


def test_no_template_holds_inline_script_event_attributes_or_javascript_links():
    problems = []
    for path in _templates():
        text = path.read_text()
        for name, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("on…= attribute", EVENT_ATTRIBUTE),
            ("javascript: URL", JS_URL),
            ("hx-on attribute", HX_ON),
        ):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {name}")
    assert not problems, "move script code to static/<app>/*.js:\n" + "\n".join(problems)
    assert len(list(_templates())) > 50  # the scan really found the templates


def _script_src(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(d for d in policy.split(";") if d.strip().startswith("script-src"))


@pytest.mark.django_db
def test_every_response_carries_a_policy_without_inline_or_eval_script(client, users):
    for path in ("/accounts/login/", "/public/ideas/", "/no-such-page/"):
        response = client.get(path)
        script_src = _script_src(response)
        assert "'self'" in script_src
        assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
        policy = response["Content-Security-Policy"]
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_htmx_runs_without_eval_and_without_inline_styles(client):
    body = client.get("/accounts/login/").content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'', body).group(1)
    assert '"allowEval":false' in config.replace(" ", "")
    assert '"includeIndicatorStyles":false' in config.replace(" ", "")
    assert '"allowScriptTags":false' in config.replace(" ", "")


class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems, self.links = [], []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/json":
            self._in_inline_script = True
            self.problems.append("inline <script>")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        self._in_inline_script = False


SKIP_LINK = re.compile(r"(logout|format=|\.xlsx|\.pdf|\.ics|\.csv|/export|/files/|/photo|download|/docs$)")


def _crawl(client, limit_per_view=2, limit=150) -> tuple[int, list[str]]:
    """Breadth-first over same-site links from the home page; at most two URLs per view."""
    seen_paths, per_view, problems, queue = set(), {}, [], ["/"]
    pages = 0
    while queue and pages < limit:
        path = queue.pop(0)
        if path in seen_paths:
            continue
        seen_paths.add(path)
        try:
            view = resolve(path.split("?")[0]).view_name
        except Resolver404:
            continue
        if per_view.get(view, 0) >= limit_per_view:
            continue
        per_view[view] = per_view.get(view, 0) + 1
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        finder = _InlineFinder()
        finder.feed(response.content.decode())
        problems += [f"{path}: {p}" for p in finder.problems]
        for href in finder.links:
            if href.startswith("/") and not href.startswith("//") and not SKIP_LINK.search(href):
                queue.append(href.split("#")[0])
    return pages, problems


@pytest.fixture
def some_records(orgs, users):
    """A record or two per app, so the crawl reaches detail pages too."""
    from activities import services as activities
    from activities.tests.factories import ActivityFactory
    from members.tests.factories import TermFactory, full_person
    from proposals.services import proposal_create_draft
    from proposals.tests.factories import seat

    term = TermFactory(cppcc=orgs.city)
    full_person(orgs, term, n=1)
    seat(users["member"].person)  # only a current member may author the proposal
    activity = ActivityFactory(owner_org=orgs.committee)
    activities.invitations_create(actor=users["staff"], activity=activity, persons=[users["member"].person])
    proposal_create_draft(
        actor=users["member"], author=users["member"].person, title="关于增设滑板场的建议", body="建议增设。"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "staff", "leader", "member", "advisor", "unit", "partner"])
def test_pages_reachable_by_each_role_render_no_inline_script(client, users, some_records, role):
    client.force_login(users[role])
    pages, problems = _crawl(client)
    assert pages >= {"admin": 20, "staff": 20, "leader": 15, "member": 8, "advisor": 8}.get(role, 3), pages
    assert not problems, "\n".join(problems)
