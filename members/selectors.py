from .models import Person, Term


def current_term() -> Term | None:
    """The term marked current (the newest one if several are)."""
    return Term.objects.filter(is_current=True).order_by("-number").first()


def persons_visible(user):
    return Person.objects.visible_to(user)
