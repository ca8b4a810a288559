# Settings for the JupyterLab server that `make lab` and the browser tests start.
#
# Send kernel messages at once. A live view answers a key press with a few
# websocket messages; with Nagle's algorithm on, the operating system may hold
# a small one back until the browser acknowledges the previous packet, which
# adds about 40 ms to every repaint (measured by tests/test_browser.py: median
# key-press-to-repaint 57-70 ms without this, about 40-50 ms with it).
# Tornado's websocket handler has a switch for exactly this (set_nodelay).
# If a future jupyter_server moves the handler, the server starts without it.

try:
    from jupyter_server.services.kernels.websocket import KernelWebsocketHandler
except ImportError:  # pragma: no cover - depends on the installed jupyter_server
    KernelWebsocketHandler = None

if KernelWebsocketHandler is not None and not getattr(KernelWebsocketHandler, "_nodelay_patched", False):
    _open = KernelWebsocketHandler.open

    async def _open_without_delay(self, *args, **kwargs):
        self.set_nodelay(True)
        return await _open(self, *args, **kwargs)

    KernelWebsocketHandler.open = _open_without_delay
    KernelWebsocketHandler._nodelay_patched = True
