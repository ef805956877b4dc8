"""Finding the iapz binary and running it under a Processing feedback.

The plugin is only a front end: every figure comes from the `iapz` executable, so this module is the one
place that knows how to find it, whether it is recent enough, and how to run it so that Processing's
cancel button really ends it.
"""

import os
import re
import shutil
import subprocess
import tempfile
import time

from qgis.core import QgsProcessingException

#: The oldest iapz whose command line (buffer, plan, check --format json) this plugin speaks.
MIN_VERSION = (0, 1, 0)

#: ProcessingConfig key of the provider setting that names the executable.
SETTING_BINARY = "IAPZ_BINARY"

INSTALL_HINT = (
    "Install it from the iapz repository with `cargo install --path .` (puts iapz in ~/.cargo/bin), "
    "or set its full path in Settings → Options → Processing → Providers → iapz → "
    "“iapz executable”."
)

# Seconds between two looks at the cancel button while iapz runs: short enough that a cancel feels
# immediate, long enough not to wake a CPU the buffer needs.
POLL_SECONDS = 0.05

_version_cache = {}


def configured_binary():
    """The executable named in the provider's settings, or '' when none is set."""
    try:
        from processing.core.ProcessingConfig import ProcessingConfig

        value = ProcessingConfig.getSetting(SETTING_BINARY)
    except Exception:  # Processing not initialised (e.g. the module imported outside QGIS)
        value = None
    return (value or "").strip()


def find_binary():
    """Path of the iapz executable: the setting, else PATH, else ~/.cargo/bin. Raises when missing."""
    configured = configured_binary()
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured
        raise QgsProcessingException(
            f"The iapz executable set in the provider's settings, {configured!r}, does not exist or is "
            f"not executable. {INSTALL_HINT}"
        )
    found = shutil.which("iapz")
    if found:
        return found
    cargo = os.path.join(os.path.expanduser("~"), ".cargo", "bin", "iapz")
    if os.path.isfile(cargo) and os.access(cargo, os.X_OK):
        return cargo
    raise QgsProcessingException(f"The iapz executable was not found on PATH. {INSTALL_HINT}")


def parse_version(text):
    """(major, minor, patch) from `iapz --version` output such as 'iapz 0.1.0', or None."""
    m = re.search(r"(\d+)\.(\d+)\.(\d+)", text or "")
    return tuple(int(g) for g in m.groups()) if m else None


def checked_binary():
    """The iapz executable, after checking that `iapz --version` answers with at least MIN_VERSION."""
    path = find_binary()
    try:
        key = (path, os.stat(path).st_mtime)
    except OSError:
        key = (path, None)
    if key in _version_cache:
        return path
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise QgsProcessingException(f"Cannot run {path} --version: {e}. {INSTALL_HINT}")
    version = parse_version(done.stdout)
    wanted = ".".join(map(str, MIN_VERSION))
    if done.returncode != 0 or version is None:
        raise QgsProcessingException(
            f"{path} does not look like iapz (`--version` printed {done.stdout.strip()!r}, "
            f"exit {done.returncode}). {INSTALL_HINT}"
        )
    if version < MIN_VERSION:
        have = ".".join(map(str, version))
        raise QgsProcessingException(
            f"{path} is iapz {have}; this plugin needs iapz {wanted} or newer. "
            f"Update it from the iapz repository with `cargo install --path .`, or set a newer executable "
            f"in the provider's settings."
        )
    _version_cache[key] = version
    return path


class Result:
    """What one iapz run left behind: its exit code and both output streams (text)."""

    def __init__(self, args, returncode, stdout, stderr):
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def run(args, feedback, ok_codes=(0,), what=None):
    """Runs `iapz ARGS...`, ending it when the user cancels; returns a Result.

    Exit codes outside `ok_codes` raise a QgsProcessingException that quotes iapz's stderr: exit 2 is
    a usage or input error, exit 1 a failed check, anything else a crash.
    """
    binary = checked_binary()
    cmd = [binary] + [str(a) for a in args]
    what = what or f"iapz {args[0]}"
    feedback.pushCommandInfo(" ".join(_quote(c) for c in cmd))
    # Files, not pipes: iapz may write megabytes of GeoJSON to stdout, and a full pipe nobody reads
    # while we poll the cancel button would stall it.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        feedback.pushDebugInfo(f"started {what} (pid {proc.pid})")
        cancelled = _wait(proc, feedback)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if cancelled:
        raise QgsProcessingException(f"{what} was cancelled; iapz (pid {proc.pid}) was stopped.")
    result = Result(cmd, proc.returncode, stdout, stderr)
    if proc.returncode not in ok_codes:
        raise QgsProcessingException(failure_message(what, proc.returncode, stderr))
    for line in stderr.splitlines():
        if line.strip():
            feedback.pushConsoleInfo(line)
    return result


def _wait(proc, feedback):
    """Waits for iapz; on cancel ends it (terminate, then kill) and returns True."""
    while proc.poll() is None:
        if feedback is not None and feedback.isCanceled():
            proc.terminate()
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            return True
        time.sleep(POLL_SECONDS)
    return False


def failure_message(what, code, stderr):
    """A Processing error message for an iapz exit code, with iapz's own message."""
    text = stderr.strip() or "(iapz printed nothing on stderr)"
    if code == 2:
        return f"{what}: iapz refused the input (exit 2):\n{text}"
    if code == 1:
        return f"{what}: a check failed (exit 1):\n{text}"
    if code < 0:
        return f"{what}: iapz was killed by signal {-code}:\n{text}"
    return f"{what}: iapz failed unexpectedly (exit {code}); please report it with this message:\n{text}"


def _quote(s):
    return s if re.fullmatch(r"[\w@%+=:,./-]+", s) else "'" + s.replace("'", "'\\''") + "'"
