"""Hypothesis strategies for canonical requests (valid against schemas/canonical/).

Valid includes the canonical cross-field rules (the schemas' `x-rules`): shot durations
given for every shot or none, adding up to `duration`; `@ElementN` naming an element.
"""

from __future__ import annotations

import re
import string
from typing import Any

from hypothesis import strategies as st

WORDS = st.text(alphabet=string.ascii_letters + " ,.!'-", min_size=1, max_size=40)
TEXT = WORDS.filter(lambda s: s.strip() != "")
URLS = st.builds(
    "https://example.com/{}.png".format,
    st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=8),
)
PROMPTS = st.one_of(TEXT, st.builds("{} @Element{} {}".format, TEXT, st.integers(1, 3), TEXT))


def shots(*, min_duration: int = 3, timed: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """A shot; `timed`: always with a duration (for gateways whose shots require one)."""
    duration = st.integers(min_duration, 15)
    if timed:
        return st.fixed_dictionaries({"prompt": PROMPTS, "duration": duration})
    return st.fixed_dictionaries({"prompt": PROMPTS}, optional={"duration": duration})


def elements(*, voice: bool = True, max_refs: int = 4) -> st.SearchStrategy[dict[str, Any]]:
    optional: dict[str, Any] = {"reference_images": st.lists(URLS, min_size=1, max_size=max_refs)}
    if voice:
        optional["voice"] = URLS
    images = st.fixed_dictionaries({"frontal_image": URLS}, optional=optional)
    return st.one_of(images, st.fixed_dictionaries({"video": URLS}))


def requests(
    endpoint: str,
    *,
    multi_prompt: bool = True,
    min_prompt: int = 1,
    min_negative: int = 1,
    shot_types: tuple[str, ...] = ("customize", "intelligent"),
    audio: tuple[bool, ...] = (True, False),
    durations: tuple[int, int] = (3, 15),
    with_elements: bool = True,
    max_elements: int = 4,
    element_voice: bool = True,
    max_refs: int = 4,
    min_shot: int = 3,
    shot_durations: bool = False,
) -> st.SearchStrategy[dict[str, Any]]:
    """Canonical requests for `endpoint`, optionally limited to what a provider can express
    (the limits come from `expressible.limits`)."""
    optional: dict[str, Any] = {
        "negative_prompt": TEXT.filter(lambda s: len(s) >= min_negative),
        "duration": st.integers(*durations),
        "cfg_scale": st.floats(0, 1, allow_nan=False),
    }
    if shot_types:
        optional["shot_type"] = st.sampled_from(shot_types)
    if audio:
        optional["generate_audio"] = st.sampled_from(audio)
    if with_elements:
        element = elements(voice=element_voice, max_refs=max_refs)
        optional["elements"] = st.lists(element, min_size=1, max_size=max_elements)
    if endpoint == "image-to-video":
        optional["end_image"] = URLS
        required: dict[str, Any] = {"start_image": URLS}
    else:
        optional["aspect_ratio"] = st.sampled_from(["16:9", "9:16", "1:1"])
        required = {}
    text = st.fixed_dictionaries({"prompt": PROMPTS.filter(lambda s: len(s) >= min_prompt)})
    shots_only = st.fixed_dictionaries(
        {
            "multi_prompt": st.lists(
                shots(min_duration=min_shot, timed=shot_durations), min_size=1, max_size=4
            )
        }
    )
    either = st.one_of(text, shots_only) if multi_prompt else text
    base = st.fixed_dictionaries(required, optional=optional)
    return st.builds(lambda a, b: consistent({**a, **b}), base, either)


def consistent(request: dict[str, Any]) -> dict[str, Any]:
    """Make a drawn request follow the cross-field rules, keeping as much of it as fits."""
    found = dict(request)
    shots_ = [dict(s) for s in found.get("multi_prompt") or []]
    if any("duration" in shot for shot in shots_):
        for shot in shots_:
            shot.setdefault("duration", 3)
        while len(shots_) > 1 and sum(shot["duration"] for shot in shots_) > 15:
            shots_.pop()
        if "duration" in found:
            found["duration"] = sum(shot["duration"] for shot in shots_)
    if shots_:
        found["multi_prompt"] = shots_
    count = len(found.get("elements") or [])
    for holder in [found, *shots_]:
        if "prompt" in holder:
            holder["prompt"] = _references(holder["prompt"], count)
    return found


def _references(text: str, count: int) -> str:
    """Point every @ElementN at an element that exists (or drop it when there are none)."""
    if count == 0:
        return re.sub(r"@Element[0-9]+", "the subject", text)
    return re.sub(
        r"@Element([0-9]+)", lambda m: f"@Element{(int(m.group(1)) - 1) % count + 1}", text
    )
