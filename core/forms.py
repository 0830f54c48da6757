"""Form pieces shared by every app."""

from django import forms


class VersionField(forms.CharField):
    """The hidden version of the record a form was opened on (`core.versions`): lost-update detection."""

    def __init__(self, **kwargs):
        super().__init__(required=False, widget=forms.HiddenInput, **kwargs)
