from django.utils.translation import get_language


class Bilingual:
    """Records written in Korean and English (`<field>_ko`, `<field>_en`): shown in the page's
    language, falling back to Korean where the English text is missing."""

    def localized(self, field):
        korean = getattr(self, f"{field}_ko")
        if (get_language() or "ko").startswith("en"):
            return getattr(self, f"{field}_en") or korean
        return korean


def bilingual_field(field):
    """A read-only attribute giving `<field>_ko` or `<field>_en` in the page's language:
    `name = bilingual_field("name")`."""
    return property(lambda record: record.localized(field), doc=f"{field} in the page's language")
