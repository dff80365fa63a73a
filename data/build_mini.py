"""Rebuild the small datasets shipped in data/mini from the full datasets.

Usage (from the repository root):

    GANCOURSE_DATA=../shared/data python data/build_mini.py

Writes, deterministically (same bytes on every run):
  mini/mnist_mini.npz          500 train + 100 test images per digit
  mini/fashion_mnist_mini.npz  500 train + 100 test images per class
  mini/olivetti_faces.npz      the whole Olivetti set, copied byte for byte
and refreshes the mini/ lines of data/SHA256SUMS.
The subsets are class-balanced, chosen with a fixed seed from the verified
full files, and keep uint8 pixels and the original keys.
"""

import argparse
import pathlib
import shutil
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from gancourse import data  # noqa: E402

TRAIN_PER_CLASS, TEST_PER_CLASS, SEED = 500, 100, 2024


def build(source: str | None, out: pathlib.Path) -> dict[str, str]:
    out.mkdir(parents=True, exist_ok=True)
    digests = {}
    for spec in (data.MNIST, data.FASHION_MNIST):
        loc = data.locate_dataset(spec.name, path=source, download=False)
        xtr, ytr, xte, yte = data._read_raw(spec, loc)
        itr = data.balanced_subset_indices(ytr, TRAIN_PER_CLASS * 10, seed=SEED)
        ite = data.balanced_subset_indices(yte, TEST_PER_CLASS * 10, seed=SEED)
        target = out / spec.mini_file
        data.write_deterministic_npz(target, x_train=xtr[itr], y_train=ytr[itr],
                                     x_test=xte[ite], y_test=yte[ite])
        digests[f"mini/{spec.mini_file}"] = data.sha256_of(target)
    faces = data.locate_dataset("faces", path=source, download=False)
    target = out / data.FACES.mini_file
    if faces.paths[0].resolve() != target.resolve():
        shutil.copyfile(faces.paths[0], target)
    digests[f"mini/{data.FACES.mini_file}"] = data.sha256_of(target)
    return digests


def update_sums(sums_path: pathlib.Path, digests: dict[str, str]) -> None:
    lines = [l for l in sums_path.read_text().splitlines() if l.split()[-1] not in digests] if sums_path.exists() else []
    lines += [f"{d}  {p}" for p, d in digests.items()]
    sums_path.write_text("\n".join(sorted(lines, key=lambda l: l.split()[-1])) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", help="folder with the full datasets (default: $GANCOURSE_DATA)")
    args = parser.parse_args()
    digests = build(args.source, HERE / "mini")
    update_sums(HERE / "SHA256SUMS", digests)
    for p, d in digests.items():
        print(f"{d}  {p}")


if __name__ == "__main__":
    main()
