"""The cases the default plan must carry a professional through, each as the answers they would
give at the questions on the way (in Danish, the plan's language).  The model-level tests
(test_default_plan.py) and the walk through the card (browser/test_default_card.py) follow these.
Also: the default plan's local values filled in, as a municipality would."""

import re
from pathlib import Path

NO_DANGER = "Nej"
IMAGE = "Et intimt billede eller en video er delt"
SHARED_IT = "Den unge, jeg taler med, har selv delt eller lavet et intimt billede af en anden"
SEXTORTION = "Afpresning med billeder (sextortion)"
HARASSMENT = "Chikane, mobning, hadefuld tale eller en side, der udstiller nogen"
HACKED = "Hacket profil eller misbrug af identitet"
# A child's image passed on between children, without coercion and with no child under 13; then
# the sharer's age.
BETWEEN_CHILDREN = ["Ja, under 18 år", "Nej, kun børn og unge", "Nej"]
SAFE_PARENTS = "Ja, det er trygt"
SPREAD = "Ja, eller der trues med det"
NO_BULLYING_THREATS = "Nej, mobning, chikane eller udstilling uden trusler"

ANSWERS = {
    "nude shared by a classmate": [
        NO_DANGER,
        IMAGE,
        *BETWEEN_CHILDREN,
        "Under 15 år",
        SAFE_PARENTS,
        SPREAD,
    ],
    "sextortion": [NO_DANGER, SEXTORTION, "Nej", SAFE_PARENTS, SPREAD],
    "sextortion, and the young person speaks of harming themselves": [
        NO_DANGER,
        SEXTORTION,
        "Ja, eller jeg er i tvivl",
        SAFE_PARENTS,
        SPREAD,
    ],
    "grooming": [NO_DANGER, "En voksen søger seksuel kontakt (grooming)", SAFE_PARENTS, "Nej"],
    "an adult's image": [NO_DANGER, IMAGE, "Nej, 18 år eller ældre"],
    "bullying": [NO_DANGER, HARASSMENT, NO_BULLYING_THREATS, SAFE_PARENTS, "Nej"],
    "an account that rates pupils": [
        NO_DANGER,
        HARASSMENT,
        NO_BULLYING_THREATS,
        SAFE_PARENTS,
        SPREAD,
    ],
    "a parent may be involved": [NO_DANGER, "Trusler", "Nej, eller jeg er i tvivl", "Nej"],
    "a hacked profile spreading a nude": [
        NO_DANGER,
        HACKED,
        "Ja, intime billeder",
        *BETWEEN_CHILDREN,
        "15–17 år",
        SAFE_PARENTS,
        SPREAD,
    ],
    "a hacked profile, no images": [NO_DANGER, HACKED, "Nej", SAFE_PARENTS, "Nej"],
    "the pupil in front of you shared it": [
        NO_DANGER,
        SHARED_IT,
        *BETWEEN_CHILDREN,
        "15–17 år",
        SAFE_PARENTS,
        SPREAD,
    ],
    "a 12-year-old pressed by classmates to send a nude": [
        NO_DANGER,
        IMAGE,
        "Ja, under 18 år",
        "Nej, kun børn og unge",
        "Ja",  # coercion, or a child under 13
        SAFE_PARENTS,
        SPREAD,
    ],
    "nobody knows who shared it": [
        NO_DANGER,
        IMAGE,
        *BETWEEN_CHILDREN,
        "Ved ikke",
        SAFE_PARENTS,
        "Ved ikke",
    ],
}


def fill_placeholders(local_yaml: Path) -> None:
    """Example values in place of every placeholder, as a municipality would fill them in."""
    examples = {"phone": '"12 34 56 78"', "email": "kontakt@example.org"}
    lines = []
    for line in local_yaml.read_text(encoding="utf-8").splitlines():
        match = re.match(r"(\s*)(\w+): \{placeholder: .*\}$", line)
        if match:
            indent, key = match.groups()
            line = f"{indent}{key}: {examples.get(key, 'Eksempel')}"
        lines.append(line)
    local_yaml.write_text("\n".join(lines) + "\n", encoding="utf-8")
