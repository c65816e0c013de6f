"""NVIDIA GPU readings through nvidia-ml-py; a machine without one is normal, not an error."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

log = logging.getLogger(__name__)

NO_GPU = "No NVIDIA GPU found"


class GpuReader:
    """Utilization and memory of each NVIDIA GPU; ``available`` is False when there is none."""

    def __init__(self) -> None:
        self.available = False
        self.detail = ""
        self._nvml: Any = None
        self._handles: list[Any] = []
        try:
            import pynvml

            pynvml.nvmlInit()
            count = pynvml.nvmlDeviceGetCount()
            self._handles = [pynvml.nvmlDeviceGetHandleByIndex(i) for i in range(count)]
            self._nvml = pynvml
            self.available = bool(self._handles)
            gpus = f"{count} NVIDIA GPU" + ("" if count == 1 else "s")
            self.detail = gpus if count else NO_GPU
        except Exception as error:  # no driver, no library, no device: all the same to us
            # The tile says it plainly; why (NVMLError_LibraryNotFound, …) is for the log.
            self.detail = NO_GPU
            log.info("%s: %s: %s", NO_GPU, type(error).__name__, error)

    def read(self) -> list[dict[str, Any]]:
        """One entry per GPU: name, utilization and memory; empty without a GPU."""
        if not self.available:
            return []
        nvml = self._nvml
        readings = []
        try:
            for index, handle in enumerate(self._handles):
                memory = nvml.nvmlDeviceGetMemoryInfo(handle)
                name = nvml.nvmlDeviceGetName(handle)
                readings.append(
                    {
                        "index": index,
                        "name": name.decode() if isinstance(name, bytes) else str(name),
                        "utilization_percent": float(
                            nvml.nvmlDeviceGetUtilizationRates(handle).gpu
                        ),
                        "memory_used_mb": round(memory.used / 2**20, 1),
                        "memory_total_mb": round(memory.total / 2**20, 1),
                    }
                )
        except Exception as error:
            log.warning("GPU reading failed, GPU monitoring turned off: %s", error)
            self.available, self.detail = False, f"GPU reading failed: {error}"
            return []
        return readings

    def close(self) -> None:
        if self._nvml is not None:
            with contextlib.suppress(Exception):
                self._nvml.nvmlShutdown()
            self._nvml = None
