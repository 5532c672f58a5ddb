"""How a person's name is written on the pages and in the room."""

import re

# A name in Chinese characters is written family name first with no space (王明); a name in Latin
# letters given name first (Ming Wang), as each is written where it comes from.
_HAN = re.compile(r"[\u3400-\u9fff]")


def person_name(user) -> str:
    family, given = user.last_name.strip(), user.first_name.strip()
    if not family and not given:
        return user.get_username()
    if _HAN.search(family + given):
        return family + given
    return " ".join(part for part in (given, family) if part)


def display_name_of_official(official) -> str:
    """An official by name and authority: 王明 (杭州市市场监督管理局)."""
    return f"{person_name(official.user)} ({official.authority.name})"
