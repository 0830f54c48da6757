"""Form pieces shared by every app."""

from django import forms


class VersionField(forms.CharField):
    """The hidden version of the record a form was opened on (`core.versions`): lost-update detection."""

    def __init__(self, **kwargs):
        super().__init__(required=False, widget=forms.HiddenInput, **kwargs)


def add_domain_error(form, exc) -> None:
    """Show a service's refusal (`core.errors.DomainError`) on the form: at its field when the form has one by
    that name, else above the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
