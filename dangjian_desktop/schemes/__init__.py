"""Assessment schemes (考核细则) as data: model, loader, validator, evaluator, quotas, Excel.

Public API (no Qt):
    list_schemes() -> [SchemeInfo]; load_scheme(id) -> Scheme; load_scheme_file(path)
    validate(scheme) -> [str]; check(scheme) -> [Finding]
    evaluate(scheme, scores, vetoes=(), classification=None) -> Result
    evaluate_many(scheme, [(scores, vetoes), ...]) -> [Result]  (checks the scheme once)
    check_quotas(scheme, entries) -> [QuotaFlag]; bonus_for(scheme, rating)
    consequences_for(scheme, history, year) -> [Applied]; town_consequences_for(...)
    export_xlsx(scheme, path); import_xlsx(path) -> Scheme
    save_user_scheme(scheme, overwrite=False) -> Scheme; delete_user_scheme(id)
    scheme_to_dict(scheme) / scheme_from_dict(dict)  (exact round trip)
"""

from .evaluate import Result, ScoreError, SectionResult, evaluate, evaluate_many, star_word
from .model import (Award, Consequence, Item, Level, Quota, RatingRule, Resolution, Scheme, Section, Source,
                    Veto, copy_scheme, fmt_num, scheme_from_dict, scheme_to_dict)
from .quotas import (Applied, QuotaEntry, QuotaFlag, YearRating, bonus_for, check_quotas, consequences_for,
                     town_consequences_for)
from .store import (SchemeInfo, builtin_ids, delete_user_scheme, is_builtin, list_schemes, load_scheme,
                    load_scheme_file, save_user_scheme)
from .validate import Finding, check, validate

__all__ = [
    "Applied", "Award", "Consequence", "Finding", "Item", "Level", "Quota", "QuotaEntry", "QuotaFlag",
    "RatingRule", "Resolution", "Result", "Scheme", "SchemeInfo", "ScoreError", "Section", "SectionResult",
    "Source", "Veto", "YearRating", "bonus_for", "builtin_ids", "check", "check_quotas", "consequences_for",
    "copy_scheme", "delete_user_scheme", "evaluate", "evaluate_many", "export_xlsx", "fmt_num", "import_xlsx", "is_builtin",
    "list_schemes", "load_scheme", "load_scheme_file", "save_user_scheme", "scheme_from_dict", "scheme_to_dict",
    "star_word", "town_consequences_for", "validate",
]


def export_xlsx(*args, **kwargs):
    """See `excel.export_xlsx` (imported on first use: openpyxl is slow to import)."""
    from .excel import export_xlsx as impl

    return impl(*args, **kwargs)


def import_xlsx(*args, **kwargs):
    """See `excel.import_xlsx` (imported on first use)."""
    from .excel import import_xlsx as impl

    return impl(*args, **kwargs)
