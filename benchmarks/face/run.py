"""Face 1:1 benchmark: openkyc engine variants vs face_recognition on the shared pairs.

    .venv/bin/python benchmarks/face/run.py [--data ../shared/data] [--cache /tmp/x.pkl]

Calibration split = dlib_johns pairs (thresholds, table in calibration.py);
evaluation split = deepface pairs (every figure in REPORT.md unless marked "calib").
Side b of every pair is also degraded like an ID portrait (face 100 and 70 px wide).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from degrade import degrade
from metrics import fnmr_at_fmr, rates, summary
from systems import VARIANTS, Result, face_recognition_embedder, openkyc_embedder

from openkyc.vision.face import calibration, face_engine

CONDITIONS = ("clean", "deg100", "deg70")
SHIPPED = "v2 +flip averaging"
JITTER = "v3 flip + 4 jitters (used only near threshold)"
JITTER_MARGIN = 0.04  # re-score with jitters only when |distance - threshold| < this
FR = "face_recognition 1.3 defaults"


def load_pairs(root: Path) -> list[tuple[str, str, bool, str]]:
    with (root / "faces" / "pairs.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    return [(r["image_a"], r["image_b"], r["same_person"] == "1", r["set"]) for r in rows]


def build_inputs(root: Path, pairs: list[tuple[str, str, bool, str]]) -> dict[str, bytes]:
    """Bytes of every clean image, and of the degraded side b at 100 and 70 px."""
    engine = face_engine("dlib")
    inputs: dict[str, bytes] = {}
    for a, b, _, _ in pairs:
        for name in (a, b):
            inputs.setdefault(f"clean:{name}", (root / "faces" / name).read_bytes())
    for name in sorted({b for _, b, _, _ in pairs}):
        data = inputs[f"clean:{name}"]
        rgb = _rgb(data)
        try:
            face = engine.analyze(rgb, embed=False).used
            box = None if face is None else _face_box(face)
        except Exception:  # no reference face: degrade the whole image, failure is counted
            box = None
        for px in (100, 70):
            inputs[f"deg{px}:{name}"] = degrade(rgb, box, px, name)
    return inputs


def _face_box(face) -> tuple[int, int, int, int]:
    """Square of the landmark-based face width, centred on the HOG box (which is tighter)."""
    width = face.quality.face_width_px
    cx, cy = face.box.x + face.box.width / 2, face.box.y + face.box.height / 2
    return round(cx - width / 2), round(cy - width / 2), width, width


def _rgb(data: bytes) -> np.ndarray:
    import io

    from PIL import Image, ImageOps

    return np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB"))


def run_systems(inputs: dict[str, bytes], cache: Path) -> dict[str, dict[str, Result]]:
    results: dict[str, dict[str, Result]] = {}
    if cache.exists():
        results = pickle.loads(cache.read_bytes())
    makers = {name: (lambda c=config: openkyc_embedder(c)) for name, config in VARIANTS.items()}
    makers[FR] = face_recognition_embedder
    for name, make in makers.items():
        if name in results and set(results[name]) >= set(inputs):
            continue
        embed = make()
        print(f"running {name} on {len(inputs)} images", file=sys.stderr, flush=True)
        results[name] = {key: embed(data) for key, data in inputs.items()}
        cache.write_bytes(pickle.dumps(results))
    return results


def distances(
    res: dict[str, Result], pairs: list[tuple[str, str, bool, str]], condition: str
) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
    """Distances (inf on failure), labels, failed pair count, per-pair seconds (a + b)."""
    dist, same, secs = [], [], []
    for a, b, label, _ in pairs:
        ra, rb = res[f"clean:{a}"], res[f"{condition}:{b}"]
        ok = ra.embedding is not None and rb.embedding is not None
        dist.append(float(np.linalg.norm(ra.embedding - rb.embedding)) if ok else np.inf)
        same.append(label)
        secs.append(ra.seconds + rb.seconds)
    d = np.array(dist)
    return d, np.array(same), int(np.isinf(d).sum()), np.array(secs)


def table(results, pairs, shipped: dict[str, float]) -> list[dict[str, object]]:
    """One row per system x split x condition; v2 also as shipped (jitters near threshold)."""
    rows: list[dict[str, object]] = []
    systems = [(name, name, False) for name in results if name != JITTER]
    systems.append((SHIPPED, SHIPPED + " + jitter4 near threshold (shipped)", True))
    for system, label, close_call in systems:
        res = results[system]
        for split in ("deepface", "dlib_johns"):
            subset = [p for p in pairs if p[3] == split]
            for condition in CONDITIONS:
                dist, same, failed, secs = distances(res, subset, condition)
                if close_call:  # what match() does
                    dist = jitter_when_close(results, subset, condition, dist, shipped[system])
                row = {"system": label, "split": split, "condition": condition}
                row.update(summary(same, dist, shipped[system]))
                row.update(failed_pairs=failed, pairs=len(subset))
                row.update(
                    p50_ms=1000 * np.percentile(secs, 50), p95_ms=1000 * np.percentile(secs, 95)
                )
                rows.append(row)
    return rows


def jitter_when_close(results, subset, condition, dist, threshold):
    """Idea: re-score pairs within JITTER_MARGIN of the threshold with jittered embeddings."""
    if JITTER not in results:
        return dist
    jittered, _, _, _ = distances(results[JITTER], subset, condition)
    close = np.abs(dist - threshold) < JITTER_MARGIN
    return np.where(close, jittered, dist)


def ideas(results, pairs, threshold: float) -> list[str]:
    """Paired comparisons of each idea on the evaluation split (deepface)."""
    lines = []
    evaluation = [p for p in pairs if p[3] == "deepface"]
    for condition in CONDITIONS:
        base, same, _, _ = distances(results[SHIPPED], evaluation, condition)
        jit, _, _, _ = distances(results[JITTER], evaluation, condition)
        close = np.abs(base - threshold) < JITTER_MARGIN
        mixed = np.where(close, jit, base)
        for label, d in (
            ("flip", base),
            ("flip+jitter4 always", jit),
            ("jitter4 when close", mixed),
        ):
            fmr, fnmr = rates(same, d, threshold)
            at = fnmr_at_fmr(same, d, 0.001)[0]
            row = f"| {condition} | {label} | {fmr:.2%} | {fnmr:.2%} | {at:.2%} |"
            lines.append(f"{row} {int(close.sum())} |")
    return lines


def quality_aware(results, pairs) -> list[str]:
    """Idea: a separate threshold for small (< 110 px) faces, calibrated on degraded johns."""
    res = results[SHIPPED]
    lines = []
    calib = [p for p in pairs if p[3] == "dlib_johns"]
    evaluation = [p for p in pairs if p[3] == "deepface"]
    for condition in ("deg100", "deg70"):
        d_cal, s_cal, _, _ = distances(res, calib, condition)
        small_threshold = fnmr_at_fmr(s_cal, d_cal, 0.001)[1]
        d_ev, s_ev, _, _ = distances(res, evaluation, condition)
        for label, t in (
            ("global", calibration.distance_threshold_for_fmr()),
            ("small-face", small_threshold),
        ):
            fmr, fnmr = rates(s_ev, d_ev, t)
            lines.append(f"| {condition} | {label} | {t:.3f} | {fmr:.2%} | {fnmr:.2%} |")
    return lines


def calibrate(results, pairs) -> list[str]:
    """Table rows for calibration.py from the calibration split (dlib_johns) only.

    Impostor distances of the three conditions are pooled (a live photo is compared with
    clean and with document-like pictures). Each row takes the lower (stricter) of the
    empirical quantile and a normal fit of the impostor distances: below ~1/n the empirical
    quantile is just the smallest impostor seen, and the normal tail is the cautious guess.
    """
    calib = [p for p in pairs if p[3] == "dlib_johns"]
    pooled = []
    for condition in CONDITIONS:
        dist, same, _, _ = distances(results[SHIPPED], calib, condition)
        pooled.append(dist[~same & np.isfinite(dist)])
    impostor = np.sort(np.concatenate(pooled))
    mu, sigma = float(impostor.mean()), float(impostor.std(ddof=1))
    lines = [f"impostors={len(impostor)} mean={mu:.4f} sd={sigma:.4f} min={impostor[0]:.4f}"]
    z = {0.1: 1.2816, 0.01: 2.3263, 0.001: 3.0902, 0.0001: 3.7190}
    for fmr, zz in z.items():
        empirical = float(impostor[int(np.floor(fmr * len(impostor)))])
        normal = mu - zz * sigma
        lines.append(
            f"FMR {fmr:g}: empirical {empirical:.4f} normal-fit {normal:.4f}"
            f" -> table {min(empirical, normal):.3f}"
        )
    return lines


def whole_match_latency(inputs, pairs, step: int = 4) -> dict[str, list[float]]:
    """p50/p95 ms and close-call share of match(bytes_a, bytes_b), shipped engine.

    Every ``step``-th deepface pair, clean and with the ~100 px degraded side b, through the
    public API: decode, detect, align, embed both, close-call jitters when they apply.
    """
    import time

    from openkyc.vision.face import FaceError, match

    out: dict[str, list[float]] = {}
    sample = [p for p in pairs if p[3] == "deepface"][::step]
    for condition in ("clean", "deg100"):
        times, close = [], 0
        for a, b, _, _ in sample:
            data_a, data_b = inputs[f"clean:{a}"], inputs[f"{condition}:{b}"]
            started = time.perf_counter()
            try:
                result = match(data_a, data_b)
                close += any(r.startswith("close call") for r in result.reasons)
            except FaceError:
                pass
            times.append(1000 * (time.perf_counter() - started))
        p50, p95 = np.percentile(times, 50), np.percentile(times, 95)
        out[condition] = [float(p50), float(p95), float(max(times)), close, len(sample)]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=os.environ.get("OPENKYC_DATA", "../shared/data"))
    parser.add_argument("--cache", default="/tmp/openkyc_face_bench.pkl")
    parser.add_argument("--out", default="/tmp/openkyc_face_last_run.json")
    args = parser.parse_args()
    root = Path(args.data)
    pairs = load_pairs(root)
    inputs = build_inputs(root, pairs)
    results = run_systems(inputs, Path(args.cache))
    threshold = calibration.distance_threshold_for_fmr()
    shipped = dict.fromkeys(results, threshold) | {FR: 0.6}
    rows = table(results, pairs, shipped)
    report = {
        "rows": rows,
        "ideas": ideas(results, pairs, threshold),
        "quality_aware": quality_aware(results, pairs),
        "calibration": calibrate(results, pairs),
        "match_latency_ms": whole_match_latency(inputs, pairs),
        "shipped_distance_threshold": threshold,
    }
    Path(args.out).write_text(json.dumps(report, indent=1, default=float))
    print_report(report)


def print_report(report) -> None:
    print(
        "| system | split | cond | AUC | EER | FNMR@1% | FNMR@0.1% | acc@ship | FMR@ship "
        "| FNMR@ship | fail | p50 ms | p95 ms |"
    )
    for r in report["rows"]:
        print(
            f"| {r['system']} | {r['split']} | {r['condition']} | {r['auc']:.4f} | {r['eer']:.2%} "
            f"| {r['fnmr@fmr1%']:.2%} | {r['fnmr@fmr0.1%']:.2%} | {r['acc@shipped']:.2%} "
            f"| {r['fmr@shipped']:.2%} | {r['fnmr@shipped']:.2%} "
            f"| {r['failed_pairs']}/{r['pairs']} "
            f"| {r['p50_ms']:.0f} | {r['p95_ms']:.0f} |"
        )
    print("\n| cond | embedding | FMR@ship | FNMR@ship | FNMR@0.1% | close pairs |")
    print("\n".join(report["ideas"]))
    print("\n| cond | threshold | distance | FMR | FNMR |")
    print("\n".join(report["quality_aware"]))
    print("\ncalibration (dlib_johns clean):\n" + "\n".join(report["calibration"]))
    for condition, (p50, p95, worst, close, count) in report["match_latency_ms"].items():
        print(
            f"match() {condition}, {count} deepface pairs: p50 {p50:.0f} ms, p95 {p95:.0f} ms,"
            f" max {worst:.0f} ms, close calls {close:.0f}"
        )


if __name__ == "__main__":
    main()
