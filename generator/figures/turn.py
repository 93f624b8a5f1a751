"""Turning a 3-D view by dragging it. Vega-Lite's parameters take no event handlers, so a builder names its two
angles in usermeta.turn (`usermeta`) and `patch` gives the compiled Vega's signals their pointer events: a drag
across the view turns it (half a degree a pixel), a drag down tilts it towards looking from above, and the
sliders bound to the same signals follow. The page, the figure page and the exported Vega spec all turn."""
from __future__ import annotations

DEGREES_PER_PX = 0.5
DRAG = "[pointerdown, window:pointerup] > window:pointermove"
FROM = "turn_from"   # the signal holding where a drag started and the angles then


def usermeta(azimuth: str = "az", elevation: str = "el") -> dict:
    """The spec's usermeta naming the signals a drag turns (azimuth 0..360, elevation -90..90)."""
    return {"turn": {"azimuth": azimuth, "elevation": elevation}}


def patch(vega: dict, vegalite: dict) -> dict:
    """Compiled Vega whose angle signals follow a drag (the spec as it was where its Vega-Lite names none)."""
    turn = (vegalite.get("usermeta") or {}).get("turn")
    if not turn:
        return vega
    az, el = turn["azimuth"], turn["elevation"]
    signals = vega.setdefault("signals", [])
    found = {s["name"]: s for s in signals}
    missing = sorted({az, el} - set(found))
    if missing:
        raise ValueError(f"usermeta.turn names {', '.join(missing)}, which the compiled spec has no signal for")
    dx, dy = f"(x() - {FROM}.x) * {DEGREES_PER_PX}", f"(y() - {FROM}.y) * {DEGREES_PER_PX}"
    found[az]["on"] = [{"events": DRAG, "update": f"{FROM} ? ((round({FROM}.az + {dx}) % 360) + 360) % 360 : {az}"}]
    found[el]["on"] = [{"events": DRAG, "update": f"{FROM} ? clamp(round({FROM}.el + {dy}), -90, 90) : {el}"}]
    signals.append({"name": FROM, "value": None, "on": [
        {"events": "pointerdown", "update": f"{{x: x(), y: y(), az: {az}, el: {el}}}"},
        {"events": "window:pointerup", "update": "null"}]})
    # Vega's own cursor signal: the view says it can be grabbed
    signals.append({"name": "cursor", "value": "grab", "on": [
        {"events": "pointerdown", "update": "'grabbing'"}, {"events": "window:pointerup", "update": "'grab'"}]})
    return vega
