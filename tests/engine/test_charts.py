"""The ladder chart: a valid PNG for every combination of levels, and refused levels."""

from __future__ import annotations

import itertools
import struct
import zlib

import pytest

from bot.engine.charts import ladder_chart
from bot.errors import RenderError

LEVELS = ["Basis", "Beter", "Best"]
LADDERS = ["Relaties bouwen", "Status verdienen", "Sociale valuta maken"]


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header, after checking its signature and IHDR checksum."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR"
    header = data[16 : 16 + length]
    (crc,) = struct.unpack(">I", data[16 + length : 20 + length])
    assert zlib.crc32(kind + header) == crc
    width, height = struct.unpack(">II", header[:8])
    return width, height


@pytest.mark.parametrize("levels", list(itertools.product([1, 2, 3], repeat=3)))
def test_every_combination_of_levels_draws_a_valid_png(levels: tuple[int, int, int]) -> None:
    png = ladder_chart(
        "Jouw plek op de drie ladders", LEVELS, list(zip(LADDERS, levels, strict=True))
    )

    width, height = png_size(png)
    assert width > 300
    assert height > 150
    assert png.endswith(b"IEND\xaeB`\x82")


def test_different_levels_draw_different_pictures() -> None:
    low = ladder_chart("T", LEVELS, [(name, 1) for name in LADDERS])
    high = ladder_chart("T", LEVELS, [(name, 3) for name in LADDERS])

    assert low != high


@pytest.mark.parametrize("level", [0, 4, -1])
def test_a_level_outside_the_ladder_is_refused(level: int) -> None:
    with pytest.raises(RenderError, match="not between 1 and 3"):
        ladder_chart("T", LEVELS, [("Relaties bouwen", level)])


def colour_share(png: bytes, colour: str) -> float:
    """The share of the picture's pixels in ``colour`` (within a small tolerance)."""
    import io

    import numpy as np
    from matplotlib import colors, image

    pixels = image.imread(io.BytesIO(png), format="png")[:, :, :3]
    target = np.array(colors.to_rgb(colour))
    close = np.all(np.abs(pixels - target) < 0.02, axis=2)
    return float(close.mean())


def test_the_rungs_reached_are_filled_and_the_rest_left_open() -> None:
    reached, ahead = "#2e7d5b", "#e4ece8"
    pictures = {
        levels: ladder_chart("T", LEVELS, list(zip(LADDERS, levels, strict=True)))
        for levels in [(1, 1, 1), (1, 2, 3), (3, 3, 3)]
    }

    filled = {levels: colour_share(png, reached) for levels, png in pictures.items()}
    empty = {levels: colour_share(png, ahead) for levels, png in pictures.items()}

    # 3, 6 and 9 rungs of 9 reached: the filled area grows in step, the open area shrinks.
    assert 1.8 < filled[1, 2, 3] / filled[1, 1, 1] < 2.2
    assert 2.7 < filled[3, 3, 3] / filled[1, 1, 1] < 3.3
    assert empty[3, 3, 3] < 0.001 < empty[1, 2, 3] < empty[1, 1, 1]
