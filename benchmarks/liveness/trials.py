"""Labelled trials cut from shared/data/liveness/videos (LABELS.json events, seconds).

Directions: the labels give where the nose points in the stored image. The clips are taken as
unmirrored recordings (what MediaRecorder stores), so "nose to the image's right" is the
subject's own ``turn_left``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Trial:
    clip: str
    start_s: float
    end_s: float
    steps: tuple[str, ...]
    note: str


BONA_FIDE = (
    Trial("live_02_blinks_closeup", 0.0, 3.0, ("blink",), "blink 1.68 s"),
    Trial("live_02_blinks_closeup", 3.0, 5.5, ("blink",), "blink 3.76 s"),
    Trial("live_02_blinks_closeup", 5.5, 8.0, ("blink",), "blink 6.64 s"),
    Trial("live_02_blinks_closeup", 8.0, 10.5, ("blink",), "blink 8.88 s"),
    Trial(
        "live_04_selfie_turn_right_left_down_up",
        1.0,
        10.5,
        ("turn_left", "turn_right"),
        "nose image-right 2.0-5.4 s, image-left 7.4-10.4 s",
    ),
    Trial(
        "live_04_selfie_turn_right_left_down_up",
        10.6,
        16.5,
        ("look_up",),
        "look down 11.7 s, look up 14.4 s",
    ),
    Trial(
        "live_05_webcam_turn_left_right",
        6.0,
        12.5,
        ("turn_right", "turn_left"),
        "nose image-left 7.0 s, image-right 9.3 s",
    ),
    Trial("live_07_masked_woman_frontal", 0.0, 2.2, ("blink",), "blink 1.04 s"),
    Trial("live_07_masked_woman_frontal", 2.2, 5.0, ("blink",), "blink 3.13 s"),
    Trial(
        "live_14_man_glasses_expressive_closures",
        0.0,
        2.5,
        ("blink", "blink"),
        "blinks 0.4 s, 1.23 s",
    ),
    Trial(
        "live_14_man_glasses_expressive_closures",
        3.5,
        7.5,
        ("blink", "blink"),
        "blinks 4.7 s, 6.43 s",
    ),
    Trial(
        "live_14_man_glasses_expressive_closures",
        14.5,
        17.0,
        ("blink", "blink"),
        "blinks 14.93 s, 16.17 s",
    ),
)

#: Bona fide people who do NOT perform the requested step: a correct system refuses them.
CONTROLS = (
    Trial("live_12_no_blink_gaze_shift", 0.0, 5.0, ("blink",), "no blink in the whole clip"),
    Trial("live_13_woman_winks_expressions", 0.0, 1.7, ("blink",), "two one-eyed winks"),
    Trial(
        "live_04_selfie_turn_right_left_down_up",
        1.0,
        10.5,
        ("turn_right", "turn_left"),
        "turns done in the opposite order",
    ),
)

#: Real presentation attacks recorded by others (screen, monitor replay, print).
REAL_ATTACKS = (
    Trial("spoof_01_phone_screen_photo_nokia", 2.0, 8.0, ("blink",), "phone screen, photo"),
    Trial("spoof_01_phone_screen_photo_nokia", 2.0, 8.0, ("turn_left",), "phone screen, photo"),
    Trial(
        "spoof_03_monitor_video_replay_headturns",
        4.0,
        13.8,
        ("turn_left", "turn_right"),
        "monitor replaying live_04 (its turns are real)",
    ),
    Trial("mixed_01_live_then_phone_then_print", 1.1, 2.93, ("blink",), "phone, then print"),
)
