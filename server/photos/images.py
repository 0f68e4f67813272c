"""Is it a real image? Pillow reads the uploaded bytes once they have all arrived.

The photo is kept exactly as the phone sent it (its SHA-256 is the phone's); the only image the
server makes is the thumbnail, a new JPEG that carries no EXIF or other metadata.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

#: Pillow's format names and the content types they are served with
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
CONTENT_TYPES = tuple(FORMATS.values())
#: the longest side of a thumbnail, in pixels
THUMBNAIL_SIDE = 320
THUMBNAIL_QUALITY = 80


class NotAnImage(Exception):
    """The bytes are not a JPEG, PNG or WebP image Pillow can read, or too large to decode."""


@dataclass(frozen=True)
class CheckedImage:
    content_type: str
    width: int
    height: int
    thumbnail: bytes


def check_image(file: BinaryIO, max_pixels: int) -> CheckedImage:
    """Read the image in ``file`` and make its thumbnail; ``NotAnImage`` says why it cannot be."""
    # Pillow warns (and past twice its own limit refuses) on huge images: both are refusals here
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _check(file, max_pixels)
        except NotAnImage:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _too_many_pixels(max_pixels) from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError,
                TypeError) as error:  # what Pillow's decoders raise on damaged data
            raise NotAnImage(_("The file is not a JPEG, PNG or WebP image, or it is damaged.")) from error


def _too_many_pixels(max_pixels: int) -> NotAnImage:
    millions = f"{max_pixels / 1_000_000:g}"
    return NotAnImage(_("The image is too large: at most %(count)s million pixels.", count=millions))


def _check(file: BinaryIO, max_pixels: int) -> CheckedImage:
    formats = list(FORMATS)
    with Image.open(file, formats=formats) as image:
        # the header alone gives the size: a bomb is refused before a pixel is decoded
        width, height = image.size
        if width * height > max_pixels or width < 1 or height < 1:
            raise _too_many_pixels(max_pixels)
        content_type = FORMATS[image.format or ""]
        image.verify()  # the structure (chunks, checksums) without decoding
    file.seek(0)
    with Image.open(file, formats=formats) as image:
        # JPEG decodes straight at a reduced scale; every byte is still read, so a cut file fails
        image.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        image.load()
        thumbnail = _thumbnail(image)
    return CheckedImage(content_type, width, height, thumbnail)


def _thumbnail(image: Image.Image) -> bytes:
    """A JPEG whose longest side is ``THUMBNAIL_SIDE``, upright, without metadata."""
    upright = ImageOps.exif_transpose(image)  # a PNG or WebP may still say how it was held
    upright.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    if upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")  # transparent parts shown on white
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    elif upright.mode != "RGB":
        upright = upright.convert("RGB")
    out = io.BytesIO()
    # no exif=, no icc_profile=: Pillow writes none, so the thumbnail carries no metadata
    upright.save(out, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return out.getvalue()
