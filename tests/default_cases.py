"""The six cases the default plan must carry a professional through, each as the answers they
would give at the questions on the way (in Danish, the plan's language).  The model-level tests
(test_default_plan.py) and the walk through the card (browser/test_default_card.py) follow these."""

NO_DANGER = "Nej"
IMAGE = "Et intimt billede eller en video er delt"

ANSWERS = {
    "nude shared by a classmate": [
        NO_DANGER,
        IMAGE,
        "Ja, under 18 år",
        "Nej, kun børn og unge",
        "Under 15 år",
        "Ja, det er trygt",
        "Ja, eller der trues med det",
    ],
    "sextortion": [
        NO_DANGER,
        "Afpresning med billeder (sextortion)",
        "Ja, det er trygt",
        "Ja, eller der trues med det",
    ],
    "grooming": [
        NO_DANGER,
        "En voksen søger seksuel kontakt (grooming)",
        "Ja, det er trygt",
        "Nej",
    ],
    "an adult's image": [NO_DANGER, IMAGE, "Nej, 18 år eller ældre"],
    "bullying": [
        NO_DANGER,
        "Chikane, mobning eller hadefuld tale",
        "Nej, mobning eller chikane uden trusler",
    ],
    "a parent may be involved": [NO_DANGER, "Trusler", "Nej, eller jeg er i tvivl", "Nej"],
}
