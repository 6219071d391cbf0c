"""Read-only storage for real, for tests that run as root (as CI does), where file permissions stop
nothing: a command runs in a mount namespace of its own (unshare) where the archive's directory is
a read-only bind mount, or a tmpfs remounted read-only. And a user who cannot write the archive:
root without the capabilities that override file permissions (setpriv), or any other user.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from functools import cache
from pathlib import Path

# The mount namespace's mounts: the archive's directory at a place of its own, then read-only.
_BIND = 'mkdir -p "$2" && mount --bind "$1" "$2" && mount -o remount,bind,ro "$2"'
_TMPFS = ('mkdir -p "$2" && mount -t tmpfs -o size=64m tinbai-ro "$2" && cp -a "$1"/. "$2"/ '
          '&& mount -o remount,ro "$2"')
# Proof that it is read-only: creating a file there fails.
_PROBE = '! touch "$2/.probe" 2>/dev/null'
METHODS = {"read-only bind mount": _BIND, "tmpfs remounted read-only": _TMPFS}


def _unshare() -> list[str]:
    # As root a mount namespace is enough; another user needs a user namespace mapping them to root.
    return ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-r", "-m"]


@cache
def mount_method() -> tuple[str | None, str]:
    """(the first method the kernel allows here, what was tried): (None, reasons) when none does."""
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return None, "no unshare or mount command"
    tried = []
    for name, script in METHODS.items():
        probe = Path(os.environ.get("TMPDIR", "/tmp")) / f"tinbai-ro-probe-{os.getpid()}"
        source = probe / "source"
        source.mkdir(parents=True, exist_ok=True)
        try:
            result = subprocess.run([*_unshare(), "sh", "-c", f"{script} && {_PROBE}", "sh", str(source),
                                     str(probe / "mounted")], capture_output=True, text=True, timeout=30)
        finally:
            shutil.rmtree(probe, ignore_errors=True)
        if result.returncode == 0:
            return name, "; ".join(tried)
        tried.append(f"{name}: {result.stderr.strip() or result.returncode}")
    return None, "; ".join(tried)


def on_readonly_storage(directory: Path, mounted: Path, argv: list[str]) -> list[str]:
    """The command line that runs `argv` with `directory` mounted read-only at `mounted` (in a
    mount namespace of its own: nothing is left mounted afterwards). `argv` names files under
    `mounted`."""
    method, reasons = mount_method()
    if method is None:
        raise RuntimeError(f"no read-only mount here: {reasons}")
    script = f"{METHODS[method]} && {_PROBE} && shift 2 && exec \"$@\""
    return [*_unshare(), "sh", "-c", script, "sh", str(directory), str(mounted), *argv]


@cache
def cannot_write_prefix() -> list[str] | None:
    """A command prefix under which this user cannot write a file mode 0444 in a directory mode 0555:
    root without CAP_DAC_OVERRIDE and CAP_FOWNER (setpriv), or nothing for another user. None when
    root and setpriv cannot drop them."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        return None
    prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
    probe = Path(os.environ.get("TMPDIR", "/tmp")) / f"tinbai-cannot-write-{os.getpid()}"
    probe.mkdir()
    try:
        (probe / "file").write_text("x")
        (probe / "file").chmod(0o444)
        probe.chmod(0o555)
        result = subprocess.run([*prefix, "sh", "-c", f"echo y >> {shlex.quote(str(probe / 'file'))}"],
                                capture_output=True, timeout=30)
    finally:
        probe.chmod(0o755)
        shutil.rmtree(probe, ignore_errors=True)
    return prefix if result.returncode != 0 else None
