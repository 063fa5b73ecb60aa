"""Sanity run of crop_document_portrait on the shared document images (not a labelled test).

    .venv/bin/python benchmarks/face/portraits.py [--data ../shared/data]

Prints, per image, the rotation and face width found (or the error code) and the time taken.
The documents are not labelled for portraits (backs of cards, covers and credit cards have
none), so this reports counts and speed, not a detection rate.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from openkyc.vision.face import FaceError, crop_document_portrait


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=os.environ.get("OPENKYC_DATA", "../shared/data"))
    folder = Path(parser.parse_args().data) / "documents" / "images"
    found, times = 0, []
    for path in sorted(folder.iterdir()):
        started = time.perf_counter()
        try:
            portrait = crop_document_portrait(path.read_bytes())
            outcome = (
                f"rotation {portrait.rotation_deg}, face {portrait.face.quality.face_width_px} px"
            )
            found += 1
        except FaceError as exc:
            outcome = exc.code
        times.append(1000 * (time.perf_counter() - started))
        print(f"{path.name}: {outcome} ({times[-1]:.0f} ms)")
    p50, p95 = np.percentile(times, 50), np.percentile(times, 95)
    print(f"portrait found on {found}/{len(times)}; p50 {p50:.0f} ms, p95 {p95:.0f} ms")


if __name__ == "__main__":
    main()
