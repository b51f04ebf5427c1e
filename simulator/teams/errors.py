"""What team functions raise. The web layer maps Forbidden to 403 and NotFound to 404.

Validation problems are raised as `simulator.validation.ValidationFailed`, the
same exception (and the same `FILE: /json/pointer: message` lines) as `mockloop validate`.
"""
from __future__ import annotations


class TeamError(Exception):
    """Base of every team error; the message is fit to show to the user."""


class Forbidden(TeamError, PermissionError):
    """The acting user is not a member of the team, or lacks the role the action needs."""


class NotFound(TeamError, LookupError):
    """No such object *in this team* (another team's object is reported the same way)."""


class InvalidTransition(TeamError, ValueError):
    """A review status change (or a grading step) that the workflow does not allow."""


class ConsentRequired(TeamError, ValueError):
    """A candidate's answer cannot be shared with a team without the candidate's consent."""
