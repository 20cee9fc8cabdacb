"""Crop a PNG screenshot to its content and shrink it: `python scripts/_png_crop.py IN OUT`.

Drops the rows at the bottom that are all page background (the colour of the last row), keeps a
small margin, and writes the PNG back optimised.
"""

from __future__ import annotations

import sys

from PIL import Image, ImageChops

MARGIN = 16  # rows of background kept below the content


def main(source: str, target: str) -> None:
    with Image.open(source) as shot:
        image = shot.convert("RGB")
    width, height = image.size
    background = Image.new("RGB", image.size, image.getpixel((0, height - 1)))
    content = ImageChops.difference(image, background).getbbox()
    bottom = height if content is None else min(height, content[3] + MARGIN)
    image.crop((0, 0, width, bottom)).save(target, optimize=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
