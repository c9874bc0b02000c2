"""Ads written for the OCR tests, and the small fixed images made from them (tests/data/ocr/).

``python tests/ocr_testing.py`` re-renders the fixed images (fonts: Debian's fonts-dejavu-core).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "ocr"

# A Cambodia "admin" ad (the done-when): a scam hub, a cover role, visa-on-arrival work.
CAMBODIA_AD = (
    "LOWONGAN ADMIN ONLINE\n"
    "Penempatan Phnom Penh, Kamboja\n"
    "Gaji 18 juta/bulan + bonus\n"
    "Tanpa pengalaman, yang penting bisa mengetik\n"
    "Tiket pesawat dan paspor ditanggung perusahaan\n"
    "Berangkat pakai visa kunjungan, kerja diurus di sana\n"
    "Info japri WA +62 812 3456 7890 (Bu Rina)"
)
# A chat message forwarding a Myanmar-border job.
CHAT_AD = (
    "Ada loker CS online di Myawaddy, gaji 25jt\n"
    "Berangkat lewat Bangkok lalu ke Mae Sot, semua biaya ditanggung\n"
    "Minat langsung chat Telegram @rekrut_cepat88"
)
# An ordinary domestic vacancy.
LEGIT_AD = (
    "PT Sinar Roti Nusantara membuka lowongan\n"
    "Operator produksi pabrik roti di Karawang\n"
    "Gaji sesuai UMK, BPJS, kontrak kerja tertulis\n"
    "Lamaran dikirim lewat situs resmi perusahaan"
)


def make_fixed_images() -> None:
    sys.path.insert(0, str(ROOT))
    from PIL import Image

    from bench.ocr_posters import render_chat, render_poster

    DATA.mkdir(parents=True, exist_ok=True)
    poster = render_poster(CAMBODIA_AD, seed=3, size=(720, 900)).image
    poster.convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(
        DATA / "poster_kamboja.png", optimize=True
    )
    chat = render_chat(CHAT_AD, seed=4, size=(540, 1200)).image
    chat.save(DATA / "chat_myawaddy.jpg", quality=70)
    legit = render_poster(LEGIT_AD, seed=5, size=(720, 900)).image
    legit.save(DATA / "poster_legit.webp", quality=75)
    Image.new("RGB", (400, 300), (200, 220, 240)).save(DATA / "blank.png", optimize=True)


if __name__ == "__main__":
    make_fixed_images()
