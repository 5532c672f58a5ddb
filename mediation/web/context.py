"""What every page's header needs: the display mode (the large-text, high-contrast mode of the
适老化 guidelines, chosen in the header and kept in a cookie); for an official, how many requests for
a person wait at their authority's desk with nobody answering (the badge, kept live by desk.js); for
everyone logged in, how many notifications they have not read."""

from mediation.selectors.assistance import desk_count
from mediation.selectors.notifications import unread_count

DISPLAY_COOKIE = "display_mode"
LARGE = "large"


def display_mode(request) -> dict:
    return {"large_mode": request.COOKIES.get(DISPLAY_COOKIE) == LARGE}


def duty_desk(request) -> dict:
    user = getattr(request, "user", None)
    official = getattr(user, "official", None) if user is not None and user.is_authenticated else None
    if official is None:
        return {}
    return {"desk_waiting": desk_count(authority_id=official.authority_id), "on_duty": official.on_duty}


def notifications_unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": unread_count(user=user)}
