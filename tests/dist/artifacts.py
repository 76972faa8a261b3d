"""make test-dist, first step: dist/ holds exactly the artifacts of this version, each with
the files it must carry; every native file is stripped and needs glibc 2.17 at most; the
wheel, the npm platform package and the platform gem are under 1 MiB.

usage: python tests/dist/artifacts.py DIST VERSION
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

MIB = 1024 * 1024
GLIBC_MAX = (2, 17)
TRIPLE = "x86_64-unknown-linux-gnu"
failures: list[str] = []


def check(ok: bool, message: str) -> None:
    if not ok:
        failures.append(message)


def tar_members(data: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        out: dict[str, bytes] = {}
        for m in tar.getmembers():
            if m.isfile():
                f = tar.extractfile(m)
                out[m.name] = f.read() if f else b""
        return out


def elf_report(name: str, data: bytes) -> str:
    """The newest GLIBC_ version an ELF file needs, and whether it is stripped."""
    with tempfile.NamedTemporaryFile() as tmp:
        tmp.write(data)
        tmp.flush()
        dynamic = subprocess.run(
            ["objdump", "-T", tmp.name], capture_output=True, text=True, check=True
        ).stdout
        sections = subprocess.run(
            ["readelf", "-S", "-W", tmp.name], capture_output=True, text=True, check=True
        ).stdout
    versions = {
        tuple(int(p) for p in v.split(".")) for v in re.findall(r"GLIBC_([0-9.]+)", dynamic)
    }
    newest = max(versions) if versions else (0,)
    check(newest <= GLIBC_MAX, f"{name} needs GLIBC_{'.'.join(map(str, newest))} (> 2.17)")
    stripped = ".symtab" not in sections
    check(stripped, f"{name} is not stripped (it has a .symtab)")
    return f"glibc {'.'.join(map(str, newest))}, {'stripped' if stripped else 'NOT stripped'}"


def main() -> None:
    dist, version = Path(sys.argv[1]), sys.argv[2]
    wheel = f"hooksig-{version}-cp39-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"
    expected = {
        wheel: "Python wheel (abi3, manylinux2014)",
        f"hooksig-{version}.tar.gz": "Python sdist",
        f"hooksig-{version}.tgz": "npm hooksig",
        f"hooksig-linux-x64-gnu-{version}.tgz": "npm hooksig-linux-x64-gnu",
        f"hooksig-{version}-x86_64-linux.gem": "gem, x86_64-linux",
        f"hooksig-{version}.gem": "gem, plain",
        f"hooksig-{version}.crate": "crate hooksig",
        f"hooksig-cli-{version}.crate": "crate hooksig-cli",
        f"hooksig-cli-{version}-{TRIPLE}.tar.gz": "CLI binary",
    }
    present = {p.name for p in dist.iterdir()} if dist.is_dir() else set()
    for name in sorted(set(expected) - present):
        failures.append(f"missing: {dist / name} (run `make dist`)")
    for name in sorted(present - set(expected)):
        failures.append(f"unexpected in {dist}: {name}")
    if failures:
        report()
    notes: dict[str, str] = {}

    with zipfile.ZipFile(dist / wheel) as whl:
        names = whl.namelist()
        for need in ("hooksig/_hooksig.abi3.so", "hooksig/_hooksig.pyi", "hooksig/py.typed"):
            check(need in names, f"the wheel has no {need}")
        for lic in ("LICENSE-MIT", "LICENSE-APACHE"):
            check(any(n.endswith(f"licenses/{lic}") for n in names), f"the wheel has no {lic}")
        tag = whl.read(f"hooksig-{version}.dist-info/WHEEL").decode()
        check("Tag: cp39-abi3-manylinux_2_17_x86_64" in tag, f"wheel tags: {tag}")
        notes[wheel] = elf_report(
            "the wheel's _hooksig.abi3.so", whl.read("hooksig/_hooksig.abi3.so")
        )

    sdist = tar_members((dist / f"hooksig-{version}.tar.gz").read_bytes())
    for need in (
        "pyproject.toml",
        "Cargo.toml",
        "Cargo.lock",
        "crates/hooksig/src/lib.rs",
        "bindings/python/src/lib.rs",
        "python/hooksig/__init__.py",
        "PKG-INFO",
    ):
        check(f"hooksig-{version}/{need}" in sdist, f"the sdist has no {need}")

    main_pkg = tar_members((dist / f"hooksig-{version}.tgz").read_bytes())
    manifest = json.loads(main_pkg["package/package.json"])
    check(manifest["version"] == version, f"npm hooksig version {manifest['version']}")
    check(
        manifest.get("optionalDependencies") == {"hooksig-linux-x64-gnu": version},
        f"npm hooksig optionalDependencies: {manifest.get('optionalDependencies')}",
    )
    check(not any(n.endswith(".node") for n in main_pkg), "npm hooksig carries an addon")
    for need in ("node/index.js", "node/index.mjs", "node/index.d.ts", "node/native.js"):
        check(f"package/{need}" in main_pkg, f"npm hooksig has no {need}")
    platform_pkg = tar_members((dist / f"hooksig-linux-x64-gnu-{version}.tgz").read_bytes())
    sub = json.loads(platform_pkg["package/package.json"])
    check(
        (sub["version"], sub["os"], sub["cpu"], sub.get("libc"))
        == (version, ["linux"], ["x64"], ["glibc"]),
        f"npm hooksig-linux-x64-gnu: {sub}",
    )
    addon = platform_pkg.get("package/hooksig.linux-x64-gnu.node")
    check(addon is not None, "npm hooksig-linux-x64-gnu has no hooksig.linux-x64-gnu.node")
    if addon:
        notes[f"hooksig-linux-x64-gnu-{version}.tgz"] = elf_report("the npm addon", addon)

    for gem, has_lib in (
        (f"hooksig-{version}-x86_64-linux.gem", True),
        (f"hooksig-{version}.gem", False),
    ):
        outer = tar_members((dist / gem).read_bytes())
        data = tar_members(outer["data.tar.gz"])
        lib = data.get("lib/hooksig/native/libhooksig_c.so")
        check(
            (lib is not None) == has_lib,
            f"{gem}: libhooksig_c.so {'missing' if has_lib else 'present'}",
        )
        check(
            "lib/hooksig.rb" in data and "LICENSE-MIT" in data,
            f"{gem}: lib/hooksig.rb or LICENSE-MIT missing",
        )
        if lib:
            notes[gem] = elf_report("the gem's libhooksig_c.so", lib)

    for crate in ("hooksig", "hooksig-cli"):
        files = tar_members((dist / f"{crate}-{version}.crate").read_bytes())
        for need in ("Cargo.toml", "README.md", "LICENSE-MIT", "LICENSE-APACHE"):
            check(f"{crate}-{version}/{need}" in files, f"{crate}.crate has no {need}")

    cli = tar_members((dist / f"hooksig-cli-{version}-{TRIPLE}.tar.gz").read_bytes())
    binary = cli.get(f"hooksig-cli-{version}-{TRIPLE}/hooksig")
    check(binary is not None, "the CLI tarball has no hooksig binary")
    if binary:
        notes[f"hooksig-cli-{version}-{TRIPLE}.tar.gz"] = elf_report("the CLI", binary)

    # The three that users download on every install: each under 1 MiB.
    for name in (
        wheel,
        f"hooksig-linux-x64-gnu-{version}.tgz",
        f"hooksig-{version}-x86_64-linux.gem",
    ):
        size = (dist / name).stat().st_size
        check(size < MIB, f"{name} is {size} bytes (over 1 MiB)")

    print(f"{'artifact':<72} {'bytes':>9}  what")
    for name, what in expected.items():
        size = (dist / name).stat().st_size
        note = f" ({notes[name]})" if name in notes else ""
        print(f"{name:<72} {size:>9}  {what}{note}")
    report()


def report() -> None:
    if failures:
        for f in failures:
            print(f"test-dist: FAIL: {f}", file=sys.stderr)
        sys.exit(1)
    print("artifacts: every file present, glibc <= 2.17, stripped, the three downloads under 1 MiB")


if __name__ == "__main__":
    main()
