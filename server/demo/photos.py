"""Demo photos: a few invented pictures on visits still waiting for review, so that a supervisor
trying the demo sees thumbnails in the queue and photos on the visit page.

They go through the same declare-and-upload path as a phone's (``server.photos.services``), so the
files, thumbnails and audit entries are what a real upload leaves behind.
"""

from __future__ import annotations

import hashlib
import io
import random
import uuid
from datetime import datetime, time, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from server.extensions import db
from server.photos import services as photos
from server.photos.models import Photo
from server.time import LOCAL_ZONE
from server.visits.models import Visit, VisitStatus

CAPTIONS = ("Sinh hoạt chi đoàn", "Kiểm tra sổ sách", "Trao đổi với đoàn viên", "Hoạt động tình nguyện")
#: visits (the newest still waiting for review) that get photos, and photos on each
VISITS_WITH_PHOTOS = 6
PHOTOS_PER_VISIT = 2


def picture(seed: int, width: int = 1200, height: int = 900) -> bytes:
    """An invented scene as a JPEG: sky, hills, a hall and a row of people (no real place or person)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):  # sky to ground
        shade = y / height
        colour = (int(120 + 100 * shade), int(170 + 40 * shade), int(230 - 120 * shade))
        draw.line([(0, y), (width, y)], fill=colour)
    for k in range(3):  # hills
        top = int(height * (0.45 + 0.08 * k))
        colour = (60 + 25 * k, 120 + 20 * k, 60 + 10 * k)
        draw.polygon([(0, height), (0, top + rng.randint(0, 60)), (width // 3, top - rng.randint(0, 80)),
                      (2 * width // 3, top + rng.randint(0, 60)), (width, top - rng.randint(0, 60)),
                      (width, height)], fill=colour)
    hall = (width // 4, int(height * 0.42), 3 * width // 4, int(height * 0.72))
    draw.rectangle(hall, fill=(235, 225, 200))
    roof = [(hall[0] - 30, hall[1]), (width // 2, hall[1] - 110), (hall[2] + 30, hall[1])]
    draw.polygon(roof, fill=(170, 40, 40))
    for i in range(rng.randint(6, 11)):  # people in blue union shirts
        x = int(width * 0.12) + i * int(width * 0.07) + rng.randint(-10, 10)
        y = int(height * 0.8)
        draw.ellipse([x - 16, y - 110, x + 16, y - 78], fill=(240, 200, 160))
        draw.rectangle([x - 24, y - 76, x + 24, y], fill=(30, 80, 170))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def add_demo_photos(namespace: uuid.UUID) -> int:
    """Attach the demo photos (each once: ids are derived from the visit); returns how many were added."""
    waiting = list(db.session.scalars(select(Visit).where(Visit.status == VisitStatus.SUBMITTED.value,
                                                  Visit.device_id == "demo")
                              .order_by(Visit.end_date.desc(), Visit.id).limit(VISITS_WITH_PHOTOS)))
    added = 0
    for v, visit in enumerate(waiting):
        for n in range(PHOTOS_PER_VISIT):
            photo_id = uuid.uuid5(namespace, f"photo-{visit.id}-{n}")
            if db.session.get(Photo, photo_id) is not None:
                continue
            data = picture(seed=v * PHOTOS_PER_VISIT + n)
            taken = (datetime.combine(visit.start_date, time(9 + 2 * n, 15), LOCAL_ZONE)
                     + timedelta(minutes=7 * v))
            photos.declare(visit.cadre, visit.id, {
                "id": photo_id, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                "content_type": "image/jpeg", "taken_at": taken,
                "caption": CAPTIONS[(v + n) % len(CAPTIONS)]})
            photos.receive_chunk(visit.cadre, photo_id, 0, data)
            added += 1
    return added

