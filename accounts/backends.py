"""The sign-in backend: Django's ModelBackend, loading the signed-in user with their organisation and person in
the same query. Every page reads both (visibility by organisation path, a member's own records), so this saves
one or two queries on every request."""

from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        from .models import User

        # Not the person's encrypted address: decrypting personal data on every page for nothing (the pages
        # that show it read it when they do).
        user = (
            User._default_manager.select_related("organisation", "person")
            .defer("person__address")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
