"""Hypothesis strategies for canonical requests (valid against schemas/canonical/)."""

from __future__ import annotations

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


def shots(*, min_duration: int = 1) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"prompt": PROMPTS}, optional={"duration": st.integers(min_duration, 15)}
    )


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
    min_shot: int = 1,
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
        {"multi_prompt": st.lists(shots(min_duration=min_shot), min_size=1, max_size=4)}
    )
    either = st.one_of(text, shots_only) if multi_prompt else text
    base = st.fixed_dictionaries(required, optional=optional)
    return st.builds(lambda a, b: {**a, **b}, base, either)
