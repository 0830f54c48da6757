"""Load test users (locust, headless; run by bench/load.py against gunicorn on data from generate_scale_data).

Members browse and answer invitations, staff work proposals and the roster, a unit reads its work list and
proposals, a leader reads the overview — each with think time (1–5 s), as people use the platform.
`LOAD_MODE=writers`: only members answering invitations, as fast as they can (the SQLite write test).
`LOAD_THINK=0`: the same mix with no think time (the saturation run: how many requests a second the servers serve).
"""

import os
import random
import re

from locust import FastHttpUser, between, constant, task

PASSWORD = "Tongxin@2025"
MEMBERS = int(os.environ.get("LOAD_MEMBERS", 700))
UNITS = int(os.environ.get("LOAD_UNITS", 30))
WRITERS = os.environ.get("LOAD_MODE") == "writers"
THINK = between(1, 5) if os.environ.get("LOAD_THINK", "1") != "0" else constant(0)
RESPOND = re.compile(r'action="(/activities/invitations/\d+/respond/)"')
PROPOSAL = re.compile(r'href="(/proposals/\d+/)"')
ACTIVITY = re.compile(r'href="(/activities/\d+/)"')


class Person(FastHttpUser):
    """geventhttpclient (FastHttpUser), not requests: the load generator shares the two cores with the servers,
    and costs several times less CPU per request this way."""

    abstract = True
    username = ""

    def csrf_token(self) -> str:
        return next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")

    def on_start(self):
        self.client.get("/accounts/login/", name="login page")
        with self.client.post(
            "/accounts/login/",
            {"username": self.login_name(), "password": PASSWORD, "csrfmiddlewaretoken": self.csrf_token()},
            headers={"Referer": self.host + "/accounts/login/"},
            name="login",
            catch_response=True,
        ) as response:
            if 'name="password"' in (response.text or ""):  # the sign-in page again: refused
                response.failure(f"login failed for {self.username}")

    def login_name(self) -> str:
        raise NotImplementedError

    def post_form(self, url, data, name):
        return self.client.post(
            url,
            {**data, "csrfmiddlewaretoken": self.csrf_token()},
            headers={"Referer": self.host + "/"},
            name=name,
        )


class Member(Person):
    weight = 0 if WRITERS else 12
    wait_time = constant(0) if WRITERS else THINK

    def login_name(self):
        self.username = f"m{random.randrange(MEMBERS):06d}"
        return self.username

    @task(3)
    def home(self):
        if not WRITERS:
            self.client.get("/", name="home (member)")

    @task(3)
    def my_activities(self):
        page = self.client.get("/activities/my/", name="my activities")
        forms = RESPOND.findall(page.text)
        links = ACTIVITY.findall(page.text)
        if links and not WRITERS:
            self.client.get(random.choice(links), name="activity detail (member)")
        if forms:
            answer = random.choice(("confirm", "decline"))
            self.post_form(
                random.choice(forms), {"answer": answer, "next": "/activities/my/"}, "answer invitation"
            )


class Writer(Member):
    weight = 1 if WRITERS else 0


class Staff(Person):
    weight = 0 if WRITERS else 4
    wait_time = THINK

    def login_name(self):
        self.username = "scale_staff"
        return self.username

    @task(4)
    def proposals(self):
        page = self.client.get(f"/proposals/?page={random.randint(1, 20)}", name="proposal list")
        links = PROPOSAL.findall(page.text)
        if links:
            self.client.get(random.choice(links), name="proposal detail (staff)")

    @task(2)
    def search(self):
        self.client.get(
            f"/proposals/?q={random.choice(['滑板', '港澳', '养老', '交通'])}", name="proposal search"
        )

    @task(2)
    def roster(self):
        self.client.get(f"/members/?page={random.randint(1, 10)}", name="roster")

    @task(1)
    def home(self):
        self.client.get("/", name="home (staff)")


class Unit(Person):
    weight = 0 if WRITERS else 2
    wait_time = THINK

    def login_name(self):
        self.username = f"unit{random.randrange(UNITS):03d}"
        return self.username

    @task
    def work(self):
        page = self.client.get("/proposals/work/", name="unit work list")
        links = PROPOSAL.findall(page.text)
        if links:
            self.client.get(random.choice(links), name="proposal detail (unit)")


class Leader(Person):
    weight = 0 if WRITERS else 2
    wait_time = THINK
    overview = os.environ.get("LOAD_OVERVIEW", "/dashboard/")

    def login_name(self):
        self.username = "scale_leader"
        return self.username

    @task(2)
    def overview_page(self):
        with self.client.get(self.overview, name="leader overview", catch_response=True) as response:
            if response.status_code == 404:  # no overview on this version: the home page instead
                response.success()
                self.overview = "/"

    @task(1)
    def deadlines(self):
        self.client.get("/proposals/deadlines/", name="deadline board")
