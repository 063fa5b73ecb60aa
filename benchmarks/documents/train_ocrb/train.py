"""Train the project's OCR-B MRZ line recogniser (small CRNN + CTC) and export it to ONNX.

Training only: needs torch (`pip install torch`), which is not a runtime dependency; inference
runs the exported ONNX with onnxruntime (`openkyc/vision/document/mrz/ocrb.py`).

    .venv/bin/python benchmarks/documents/train_ocrb/train.py --minutes 30

Data: synthetic MRZ lines rendered with Debian's fonts-ocr-b (its regular, sharp and oblique
cuts) in print styles seen on real documents (bold, condensed or wide, wobbly baselines, faint
ink; `specimen/lines.py` `random_style`) and degraded (`specimen/linecrops.py`: guilloche,
security hatching, stamp strokes, lighting ramps, motion and focus blur, 7-30 px characters,
noise, JPEG). Every line of a rendered band becomes a sample. `--init work/ocrb_crnn.pt`
fine-tunes the previous run's weights. Writes `models/ocrb_crnn.onnx` and
`models/ocrb_crnn.json` (measured figures on a held-out synthetic set with a different seed).
The second model, asked about doubtful zones (ADR 0203 section 12), was trained with
`--samples 90000 --minutes 70 --out openkyc/vision/document/models/ocrb_crnn_b.onnx`.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch
from torch import nn

from openkyc.vision.document.mrz.checkdigit import MRZ_ALPHABET
from openkyc.vision.document.mrz.ocrb import INPUT_HEIGHT, INPUT_WIDTH, MODEL_PATH, preprocess_line
from openkyc.vision.document.specimen.linecrops import training_crops

WORK = Path(__file__).resolve().parent / "work"


class Crnn(nn.Module):
    """Five conv blocks pool the 32-px height to 1 and the width by 4; a BiLSTM reads the row."""

    def __init__(self, classes: int = len(MRZ_ALPHABET) + 1) -> None:
        super().__init__()

        def block(cin: int, cout: int, pool: tuple[int, int] | None) -> list[nn.Module]:
            layers: list[nn.Module] = [
                nn.Conv2d(cin, cout, 3, padding=1, bias=False),
                nn.BatchNorm2d(cout),
                nn.ReLU(inplace=True),
            ]
            return [*layers, nn.MaxPool2d(pool, pool)] if pool else layers

        self.features = nn.Sequential(
            *block(1, 16, (2, 2)),
            *block(16, 32, (2, 2)),
            *block(32, 48, None),
            *block(48, 64, (2, 1)),
            *block(64, 96, (2, 1)),
            nn.Conv2d(96, 96, (2, 1)),
            nn.ReLU(inplace=True),
        )
        self.rnn = nn.LSTM(96, 96, bidirectional=True, batch_first=True)
        self.head = nn.Linear(192, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.features(x)  # (B, 96, 1, W/4)
        f = f.squeeze(2).permute(0, 2, 1)
        out, _ = self.rnn(f)
        return torch.log_softmax(self.head(out), dim=2)  # (B, T, C)


def _make(seed_count: tuple[int, int]) -> tuple[np.ndarray, list[str]]:
    seed, count = seed_count
    rng = np.random.default_rng(seed)
    images, texts = [], []
    while len(texts) < count:
        for crop, text in training_crops(rng)[: count - len(texts)]:
            images.append(np.round(preprocess_line(crop) * 255).astype(np.uint8))
            texts.append(text)
    return np.stack(images), texts


def generate(count: int, seed: int, workers: int = 2) -> tuple[np.ndarray, list[str]]:
    """`count` rendered lines (cached under work/: rendering is most of a short run)."""
    cache = WORK / f"lines_{count}_{seed}.npz"
    if cache.exists():
        saved = np.load(cache)
        return saved["images"], [str(t) for t in saved["texts"]]
    chunks = [(seed * 1000 + i, count // workers) for i in range(workers)]
    with mp.Pool(workers) as pool:
        parts = pool.map(_make, chunks)
    images, texts = np.concatenate([p[0] for p in parts]), [t for p in parts for t in p[1]]
    WORK.mkdir(exist_ok=True)
    np.savez(cache, images=images, texts=np.array(texts))
    return images, texts


def _targets(texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    flat = [MRZ_ALPHABET.index(c) + 1 for t in texts for c in t]
    return torch.tensor(flat, dtype=torch.long), torch.tensor([len(t) for t in texts])


def _decode(log_probs: torch.Tensor) -> list[str]:
    out = []
    for row in log_probs.argmax(2).tolist():
        chars, prev = [], 0
        for cls in row:
            if cls and cls != prev:
                chars.append(MRZ_ALPHABET[cls - 1])
            prev = cls
        out.append("".join(chars))
    return out


def evaluate(model: Crnn, images: np.ndarray, texts: list[str]) -> dict[str, float]:
    model.eval()
    preds: list[str] = []
    with torch.no_grad():
        for i in range(0, len(images), 256):
            batch = images[i : i + 256].astype(np.float32) / 255
            preds += _decode(model(torch.from_numpy(batch)))
    model.train()
    line_ok = sum(p == t for p, t in zip(preds, texts, strict=True))
    char_err = sum(_edit(p, t) for p, t in zip(preds, texts, strict=True))
    total = sum(len(t) for t in texts)
    return {"line_accuracy": line_ok / len(texts), "char_error_rate": char_err / total}


def _edit(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def train(args: argparse.Namespace) -> None:
    torch.set_num_threads(2)
    torch.manual_seed(0)
    t0 = time.time()
    images, texts = generate(args.samples, seed=1)
    val_images, val_texts = generate(args.val, seed=2)
    print(f"generated {len(texts)} + {len(val_texts)} in {time.time() - t0:.0f}s", flush=True)
    model = Crnn()
    if args.init:  # fine-tune from an earlier run's weights (work/ocrb_crnn.pt)
        model.load_state_dict(torch.load(args.init, weights_only=True))
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    # the learning rate follows the clock, not a step count: warm up over the first 5 % of the
    # time left after rendering, then a cosine down to 1 % at the deadline, however fast steps are
    start, deadline = time.time(), t0 + args.minutes * 60
    step, rng = 0, np.random.default_rng(3)
    while (now := time.time()) < deadline:
        progress = (now - start) / (deadline - start)
        warm = min(1.0, progress / 0.05)
        for group in opt.param_groups:
            group["lr"] = args.lr * warm * (0.01 + 0.99 * 0.5 * (1 + np.cos(np.pi * progress)))
        idx = rng.integers(0, len(texts), args.batch)
        x = torch.from_numpy(images[idx].astype(np.float32) / 255)
        targets, lengths = _targets([texts[i] for i in idx])
        out = model(x)
        in_lens = torch.full((len(idx),), out.shape[1], dtype=torch.long)
        loss = ctc(out.permute(1, 0, 2), targets, in_lens, lengths)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        step += 1
        if step % 250 == 0:
            metrics = evaluate(model, val_images[:500], val_texts[:500])
            print(
                f"step {step} loss {loss.item():.3f} {metrics} {time.time() - t0:.0f}s", flush=True
            )
        if step % 1000 == 0:
            export(model, args, step, evaluate(model, val_images, val_texts), t0)
    export(model, args, step, evaluate(model, val_images, val_texts), t0)


def export(model: Crnn, args: argparse.Namespace, step: int, metrics: dict, t0: float) -> None:
    model.eval()
    dummy = torch.zeros(1, 1, INPUT_HEIGHT, INPUT_WIDTH)
    torch.onnx.export(
        model, (dummy,), str(args.out), input_names=["image"], output_names=["log_probs"],
        dynamic_axes={"image": {0: "batch"}, "log_probs": {0: "batch"}}, opset_version=17,
        dynamo=False,
    )  # fmt: skip
    model.train()
    torch.save(model.state_dict(), WORK / "ocrb_crnn.pt")  # to fine-tune from; not shipped
    meta = {
        "model": "ocrb_crnn.onnx",
        "architecture": "CRNN: 5 conv blocks (16-32-48-64-96) + BiLSTM 96 + CTC, 38 classes",
        "input": f"1x{INPUT_HEIGHT}x{INPUT_WIDTH} grayscale, preprocess_line() in mrz/ocrb.py",
        "charset": MRZ_ALPHABET,
        "training": {
            "script": "benchmarks/documents/train_ocrb/train.py",
            "font": "Debian fonts-ocr-b OCRB.otf",
            "samples": args.samples,
            "batch": args.batch,
            "steps": step,
            "wall_seconds": round(time.time() - t0),
            "machine": "2-core CPU (shared), torch 2.13.0+cpu",
            "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        },
        "synthetic_validation": {"lines": args.val, "seed": 2, **metrics},
        "parameters": sum(p.numel() for p in model.parameters()),
    }
    args.out.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=48000)
    parser.add_argument("--batch", type=int, default=48)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--val", type=int, default=2000)
    parser.add_argument("--init", type=Path, help="weights to start from (a .pt state dict)")
    parser.add_argument(
        "--out", type=Path, default=MODEL_PATH, help="where the ONNX model and its figures go"
    )
    train(parser.parse_args())
