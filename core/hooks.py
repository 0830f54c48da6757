"""Pages that gather content from several apps (home, a person's profile, an organisation's page) ask each app
through a method on its AppConfig, so the page's app never imports the others (dependencies point one way).

Hooks in use:
- `home_sections(request) -> list[dict(title, html, order)]` — work queues and panels on the home page (what
  needs the user now, as rows with their actions), shown above the cards, lowest `order` first. Each app renders
  its own section's HTML; an app with nothing for this user returns [].
- `home_cards(user) -> list[dict(label, value, url)]` — counts on the home page.
- `person_sections(request, person) -> list[dict(title, html)]` — sections of a person's profile page.
- `organisation_sections(request, org) -> list[dict(title, html)]` — sections of an organisation's page.
- `proposal_event(proposal, event)` — a proposal reached a milestone (`filed`, `replied`, `outcome`), called by
  `proposals.services` after commit; the ideas app emails the citizens whose ideas grew into it.
- `person_data(person) -> list[dict(title, headers, rows)]` — extra sheets of a person's data export
  (`members/persondata.py`) for what is linked to the person other than by a relation to `members.Person`.
- `person_erase(person)` — erase what the app holds about a person in free text when the person is deleted
  (`members.services.person_delete`); records stay, so statistics keep counting.
"""

from django.apps import apps


def collect(hook: str, *args) -> list:
    out = []
    for config in apps.get_app_configs():
        fn = getattr(config, hook, None)
        if fn is None:
            continue
        result = fn(*args)
        if result:
            out.extend(result)
    return out
