"""Make the app's icons (the web app manifest's and the apple-touch-icon): "12315" in white on the
theme colour (site.css --accent). Run from the repository's root after changing them:

    .venv/bin/python scripts/make_app_icons.py

and commit the PNGs under mediation/static/app/. The font is Pillow's own (no system font needed)."""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "mediation" / "static" / "app"
THEME = (0xC8, 0x10, 0x2E)  # site.css --accent, the manifest's theme_color
INK = (255, 255, 255)
TEXT = "12315"


def icon(size: int, *, maskable: bool) -> Image.Image:
    """A square icon of `size` pixels. A maskable icon fills the square with the colour and keeps the
    text inside the central circle of 80 % that every launcher's mask leaves visible; the others are
    rounded squares with the text across most of their width."""
    scale = 4  # drawn larger and scaled down, for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=THEME)
        text_width = big * 0.56  # the text's corners stay inside the safe circle
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.18, fill=THEME)
        text_width = big * 0.78
    font_size = big
    font = ImageFont.load_default(size=font_size)
    left, top, right, bottom = draw.textbbox((0, 0), TEXT, font=font)
    font_size = int(font_size * text_width / (right - left))
    font = ImageFont.load_default(size=font_size)
    stroke = max(1, font_size // 28)  # a bolder stroke, legible at 48 px
    left, top, right, bottom = draw.textbbox((0, 0), TEXT, font=font, stroke_width=stroke)
    # The number and a bar under it, as on the hotline's signs, centred together.
    gap, bar_height = big * 0.05, big * 0.03
    height = (bottom - top) + gap + bar_height
    x = (big - (right - left)) / 2 - left
    y = (big - height) / 2 - top
    draw.text((x, y), TEXT, font=font, fill=INK, stroke_width=stroke, stroke_fill=INK)
    bar_top = y + bottom + gap
    draw.rectangle((x + left, bar_top, x + right, bar_top + bar_height), fill=INK)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    icons = {
        "icon-192.png": icon(192, maskable=False),
        "icon-512.png": icon(512, maskable=False),
        "icon-maskable-512.png": icon(512, maskable=True),
        # iOS draws its own rounded corners and shows no transparency: the full square.
        "apple-touch-icon.png": icon(180, maskable=True).convert("RGB"),
    }
    for name, image in icons.items():
        image.save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
