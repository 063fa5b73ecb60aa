"""Liveness benchmark (ISO/IEC 30107-3 vocabulary): BPCER, APCER per attack type, latency.

    .venv/bin/python benchmarks/liveness/run.py [--out benchmarks/liveness/results.json]

Reads OPENKYC_DATA (default ../shared/data); never copies it. See REPORT.md for figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clips import encode, fit, loop, screen_texture, shuffle, still_video
from trials import BONA_FIDE, CONTROLS, REAL_ATTACKS, Trial

from openkyc.vision.liveness import (
    LivenessResult,
    MediaLimits,
    analyze_still,
    decode_video,
    fingerprint_media,
    is_replay,
    verify_video,
)

DATA = Path(os.environ.get("OPENKYC_DATA", Path(__file__).resolve().parents[2] / "../shared/data"))
FULL = MediaLimits(max_seconds=30.0, max_frames=2000, max_analysis_fps=120.0, max_side=640)


class Sources:
    """Each shared clip decoded once, at its own frame rate."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[list[Any], list[float], float]] = {}

    def window(self, trial: Trial) -> tuple[list[Any], float]:
        if trial.clip not in self._cache:
            path = DATA / "liveness/videos" / f"{trial.clip}.mp4"
            media = decode_video(path.read_bytes(), FULL)
            times = list(media.timestamps_ms)
            fps = 1000.0 * (len(times) - 1) / (times[-1] - times[0])
            self._cache[trial.clip] = (list(media.frames), times, fps)
        frames, times, fps = self._cache[trial.clip]
        lo, hi = trial.start_s * 1000, trial.end_s * 1000
        return [f for f, t in zip(frames, times, strict=True) if lo <= t < hi], fps


def attacks(frames: list[Any], fps: float, rng: np.random.Generator) -> dict[str, list[Any]]:
    """The attacks the harness builds from one bona fide window (see clips.py)."""
    n = len(frames)
    photo = frames[0]
    small = fit(photo, photo.shape[1], photo.shape[0])
    return {
        "still_photo_static": still_video(photo, n, rng, moved=False),
        "still_photo_moved": still_video(photo, n, rng, moved=True),
        "photo_other_size": still_video(small, n, rng, moved=True, scale=0.6),
        "video_looped": loop(frames),
        "frames_shuffled": shuffle(frames, rng),
        "face_on_screen_texture": still_video(screen_texture(photo, rng), n, rng, moved=True),
    }


def run_verify(data: bytes, steps: tuple[str, ...]) -> tuple[LivenessResult, float]:
    started = time.perf_counter()
    result = verify_video(data, steps)
    return result, (time.perf_counter() - started) * 1000.0


def summary(result: LivenessResult) -> dict[str, Any]:
    return {
        "is_live": result.is_live,
        "spoof_type": result.spoof_type,
        "confidence": round(result.confidence, 3),
        "reasons": list(result.reasons),
        "steps": [[s.step, s.detected, s.at_ms, round(s.value, 3)] for s in result.steps],
        "same_face_distance": result.same_face_distance,
        "shuffle_ratio": result.temporal.shuffle_ratio,
        "nonrigid": result.temporal.nonrigid,
        "loop_lag": result.temporal.loop_lag,
    }


def bona_fide_and_attacks(sources: Sources, out: dict[str, Any]) -> None:
    rng = np.random.default_rng(20261121)
    index = []
    attack_rows: dict[str, list[bool]] = defaultdict(list)
    for trial in BONA_FIDE:
        frames, fps = sources.window(trial)
        data = encode(frames, fps)
        result, ms = run_verify(data, trial.steps)
        fingerprint = fingerprint_media(decode_video(data))
        refused, sim = is_replay(fingerprint, index)
        index.append(fingerprint)
        out["bona_fide"].append(
            {"trial": f"{trial.clip}@{trial.start_s}-{trial.end_s}", "note": trial.note,
             "ms": round(ms), "replay_false_match": refused, "replay_best_similarity": sim,
             **summary(result)}
        )  # fmt: skip
        for kind, attack_frames in attacks(frames, fps, rng).items():
            res, _ = run_verify(encode(attack_frames, fps), trial.steps)
            attack_rows[kind].append(res.is_live)
            out["attacks"].append({"kind": kind, "trial": trial.clip, **summary(res)})
        smaller = [fit(f, f.shape[1] * 3 // 4, f.shape[0] * 3 // 4) for f in frames]
        resub = encode(smaller, fps, crf=32)
        res, _ = run_verify(resub, trial.steps)
        refused, sim = is_replay(fingerprint_media(decode_video(resub)), index)
        attack_rows["video_resubmitted"].append(res.is_live and not refused)
        out["attacks"].append({"kind": "video_resubmitted", "trial": trial.clip,
                               "replay_similarity": sim, **summary(res)})  # fmt: skip
    out["apcer"] = {k: {"accepted": sum(v), "attacks": len(v)} for k, v in attack_rows.items()}


def controls_and_real(sources: Sources, out: dict[str, Any]) -> None:
    for key, trials in (("controls", CONTROLS), ("real_attacks", REAL_ATTACKS)):
        for trial in trials:
            frames, fps = sources.window(trial)
            result, _ = run_verify(encode(frames, fps), trial.steps)
            name = f"{trial.clip}@{trial.start_s}-{trial.end_s}"
            row = {"trial": name, "steps": list(trial.steps), "note": trial.note}
            out[key].append(row | summary(result))


def latency(sources: Sources, out: dict[str, Any], repeats: int = 2) -> None:
    """verify_video on 3 s, 640x480, 30 fps WebM/VP8 clips (what a browser uploads)."""
    timings = []
    for trial in BONA_FIDE:
        frames, fps = sources.window(trial)
        step = max(1, round(fps / 30))
        clip = [fit(f, 640, 480) for f in frames[::step]][:90]
        data = encode(clip, 30.0, fmt="webm")
        for _ in range(repeats):
            timings.append(run_verify(data, trial.steps)[1])
    out["latency_ms"] = {"n": len(timings), "p50": float(np.percentile(timings, 50)),
                         "p95": float(np.percentile(timings, 95)), "max": max(timings)}  # fmt: skip


def stills(out: dict[str, Any]) -> None:
    labels = json.loads((DATA / "liveness/LABELS.json").read_text())
    known = {i["file"]: i["is_live"] for i in labels.get("images", [])}
    # stills/ README: image_T1 real, image_F1 printed photo, image_F2 phone screen.
    known |= {"stills/image_T1.jpg": True, "stills/image_F1.jpg": False}
    known |= {"stills/image_F2.jpg": False}
    for name, is_live in sorted(known.items()):
        res = analyze_still((DATA / "liveness" / name).read_bytes())
        flagged = [c.name for c in res.cues if c.flagged]
        out["stills"].append({"file": name, "label_live": is_live, "is_live": res.is_live,
                              "spoof_type": res.spoof_type, "confidence": res.confidence,
                              "flagged": flagged})  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(Path(__file__).with_name("results.json")))
    parser.add_argument("--latency-only", action="store_true", help="only the 3 s timing")
    args = parser.parse_args()
    if not (DATA / "liveness/LABELS.json").is_file():
        sys.exit(f"shared data not found under {DATA} (set OPENKYC_DATA)")
    out: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                           "machine": f"{platform.processor() or platform.machine()}, "
                           f"{os.cpu_count()} cores, Python {platform.python_version()}",
                           "bona_fide": [], "attacks": [], "controls": [], "real_attacks": [],
                           "stills": []}  # fmt: skip
    sources = Sources()
    verify_video(encode(sources.window(BONA_FIDE[0])[0][:10], 25.0), ("blink",))  # warm models
    if args.latency_only:
        latency(sources, out, repeats=3)
        print("load average", os.getloadavg(), "latency", out["latency_ms"])
        return
    bona_fide_and_attacks(sources, out)
    controls_and_real(sources, out)
    latency(sources, out)
    stills(out)
    Path(args.out).write_text(json.dumps(out, indent=1, default=float))
    report(out)


def report(out: dict[str, Any]) -> None:
    bona = out["bona_fide"]
    rejected = [b for b in bona if not b["is_live"]]
    print(f"BPCER {len(rejected)}/{len(bona)} = {len(rejected) / len(bona):.1%}")
    for b in rejected:
        print("  rejected:", b["trial"], b["reasons"])
    print("replay false matches among bona fide:", sum(b["replay_false_match"] for b in bona))
    for kind, row in out["apcer"].items():
        print(f"APCER {kind}: {row['accepted']}/{row['attacks']}")
    for key in ("controls", "real_attacks"):
        for row in out[key]:
            verdict = (row["is_live"], row["spoof_type"], row["reasons"])
            print(key, row["trial"], row["steps"], *verdict)
    print("load average", os.getloadavg(), "latency", out["latency_ms"])
    for row in out["stills"]:
        verdict = (row["is_live"], row["spoof_type"], row["flagged"])
        print("still", row["file"], row["label_live"], *verdict)


if __name__ == "__main__":
    main()
