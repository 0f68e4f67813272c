"""Is it a real image? Pillow reads the uploaded bytes once they have all arrived, and writes the
two images the server keeps: the photo itself and its thumbnail.

The photo is re-encoded, never kept as sent: a file that is an image *and* something else (a JPEG
with an HTML page after its end, a "polyglot") keeps only the image. A JPEG keeps its own
quantisation tables and subsampling (``quality="keep"``: no visible loss, about the same size), a
PNG stays lossless, a WebP is written at quality 92. Of the metadata only what a reviewer needs is
kept: the orientation (the pixels are not turned) and the capture time (EXIF ``DateTime``,
``DateTimeOriginal`` and its offset and fraction), plus the colour profile; the rest (GPS, camera,
maker notes, comments) is dropped. The row's SHA-256 and size stay the phone's: they name what the
phone sent (a retried declaration compares them), not the file kept. The thumbnail is a new JPEG
that carries no EXIF or other metadata.
"""

from __future__ import annotations

import io
import struct
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
#: a re-encoded WebP (a JPEG keeps its own tables; a PNG is lossless)
WEBP_QUALITY = 92
#: EXIF tags kept in the re-encoded photo: orientation and when it was taken, nothing else
_ORIENTATION, _DATETIME, _EXIF_IFD = 0x0112, 0x0132, 0x8769
_TAKEN_TAGS = (0x9003, 0x9011, 0x9291)  # DateTimeOriginal, OffsetTimeOriginal, SubsecTimeOriginal


class NotAnImage(Exception):
    """The bytes are not a JPEG, PNG or WebP image Pillow can read, or too large to decode."""


@dataclass(frozen=True)
class CheckedImage:
    content_type: str
    width: int
    height: int
    #: the photo as kept: re-encoded, with nothing after the image
    original: bytes
    thumbnail: bytes


def check_image(file: BinaryIO, max_pixels: int) -> CheckedImage:
    """Read the image in ``file``, re-encode it and make its thumbnail; ``NotAnImage`` says why it
    cannot be."""
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
        image.load()  # every byte of the image is decoded: a cut file fails here
        original = _reencode(image)
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))  # in place: the full-size copy is done with
        thumbnail = _thumbnail(image)
    return CheckedImage(content_type, width, height, original, thumbnail)


def _reencode(image: Image.Image) -> bytes:
    """The decoded image written anew in its own format: only the image's data, nothing that came
    after it or hid among its metadata."""
    options: dict = {"exif": _kept_exif(image)}
    if image.info.get("icc_profile"):
        options["icc_profile"] = image.info["icc_profile"]  # colours as the camera meant them
    out = io.BytesIO()
    if image.format == "JPEG":
        options["comment"] = b""  # Pillow would copy the source's comment segment
        try:
            image.save(out, "JPEG", quality="keep", subsampling="keep", **options)
            return out.getvalue()
        except (ValueError, OSError):  # tables Pillow cannot reuse: a high fixed quality
            out = io.BytesIO()
            image.save(out, "JPEG", quality=WEBP_QUALITY, **options)
    elif image.format == "PNG":
        image.save(out, "PNG", **options)
    else:
        image.save(out, "WEBP", quality=WEBP_QUALITY, **options)
    return out.getvalue()


def _kept_exif(image: Image.Image) -> bytes:
    """The orientation and the capture time of the photo's EXIF, as EXIF bytes (empty if none)."""
    try:
        source = image.getexif()
        kept = Image.Exif()
        for tag in (_ORIENTATION, _DATETIME):
            if tag in source:
                kept[tag] = source[tag]
        taken = {tag: value for tag, value in source.get_ifd(_EXIF_IFD).items() if tag in _TAKEN_TAGS}
        if taken:
            kept.get_ifd(_EXIF_IFD).update(taken)
        return kept.tobytes() if len(kept) or taken else b""
    except (ValueError, TypeError, KeyError, OSError, struct.error):
        return b""  # damaged EXIF: the photo without it (the capture time the phone sent is kept)


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
