import subprocess
import sys

from django.conf import settings


def test_the_server_runs_daphne_on_uvloop():
    # In a process of its own: daphne installs its reactor once per process, on import.
    check = (
        "import uvloop\n"
        "from channels_app.serve import install_event_loop\n"
        "loop = install_event_loop()\n"
        "from twisted.internet import reactor\n"
        "assert isinstance(loop, uvloop.Loop), type(loop)\n"
        "assert reactor._asyncioEventloop is loop\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
