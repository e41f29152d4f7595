"""Property: with scores in bounds and no veto, more points never give a lower rating."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangjian_desktop.schemes import evaluate, load_scheme
from dangjian_desktop.schemes import model as m

THRESHOLD_SCHEMES = ["liuyou", "guifanhua", "chuangxing", "xingji-zhibu", "xingji-dangyuan"]
POINT_SCHEMES = THRESHOLD_SCHEMES + ["wuhua"]
_SCHEMES = {sid: load_scheme(sid) for sid in POINT_SCHEMES}


def _score(unit, half_steps: int) -> float | int:
    cap = unit.max if unit.max is not None else 200
    return m.norm_number(min(half_steps / 2, cap))


def _sheet(sid: str):
    """A strategy for a score sheet: every unit gets a half-point score within its bounds."""
    units = [(i or s) for s, i in _SCHEMES[sid].scored_units()]
    return st.tuples(*[st.integers(0, int((u.max if u.max is not None else 200) * 2)) for u in units]).map(
        lambda steps: {u.code: _score(u, n) for u, n in zip(units, steps)})


@pytest.mark.parametrize("sid", THRESHOLD_SCHEMES)
def test_higher_total_never_rates_lower(sid):
    scheme = _SCHEMES[sid]

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_sheet(sid), _sheet(sid))
    def prop(a, b):
        ra, rb = evaluate(scheme, a), evaluate(scheme, b)
        if ra.total >= rb.total:
            assert ra.rank >= rb.rank
            if ra.stars is not None:
                assert ra.stars >= rb.stars

    prop()


@pytest.mark.parametrize("sid", POINT_SCHEMES)
def test_raising_one_score_never_rates_lower(sid):
    """Holds for every points scheme, 五化 included (where a higher total alone does not)."""
    scheme = _SCHEMES[sid]
    units = [(i or s) for s, i in scheme.scored_units()]

    @settings(max_examples=150, deadline=None)
    @given(_sheet(sid), st.integers(0, len(units) - 1), st.integers(1, 40))
    def prop(sheet, which, more):
        u = units[which]
        raised = dict(sheet)
        cap = u.max if u.max is not None else 200
        if u.kind == m.DEDUCTION:  # a deduction item gains points when less is deducted
            raised[u.code] = m.norm_number(max(0, sheet[u.code] - more / 2))
        else:
            raised[u.code] = m.norm_number(min(cap, sheet[u.code] + more / 2))
        before, after = evaluate(scheme, sheet), evaluate(scheme, raised)
        assert after.total >= before.total
        assert after.rank >= before.rank
        if after.stars is not None:
            assert after.stars >= before.stars

    prop()


@settings(max_examples=200, deadline=None)
@given(_sheet("guifanhua"))
def test_total_never_exceeds_the_maximum(sheet):
    r = evaluate(_SCHEMES["guifanhua"], sheet)
    assert 0 <= r.total <= 100
    assert all(s.score <= s.max for s in r.sections)
