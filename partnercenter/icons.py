"""The portal's icons: Microsoft's Fluent System Icons, from the npm package @fluentui/svg-icons (package.json pins
its version; `npm ci --ignore-scripts` installs it into node_modules/, which the scripts do).

Only the icons named here are static files: FluentIconsFinder serves them as static/icons/<name>_20_regular.svg and
collectstatic copies these alone, not the package's twenty thousand. A template shows one with {% icon "name" %}
(partnercenter/templatetags/icons.py); static/css/app.css paints it in the text's color through a CSS mask, so that
it follows the color of the link or button it is in and needs no inline style under the Content Security Policy.
An icon is decorative: the words beside it (or a visually hidden label) say what the command does."""

from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import utils
from django.contrib.staticfiles.finders import BaseFinder, searched_locations
from django.core.checks import CheckMessage, Warning
from django.core.files.storage import FileSystemStorage
from django.utils.safestring import SafeString

# Each name is the icon's name in the Fluent set, as its file is named (https://aka.ms/fluentui-system-icons).
ICONS = frozenset(
    {
        "add",
        "apps",
        "arrow_clockwise",
        "arrow_download",
        "arrow_left",
        "calendar_clock",
        "checkmark",
        "chevron_down",
        "chevron_right",
        "clipboard_task_list_ltr",
        "cloud",
        "cloud_add",
        "copy",
        "delete",
        "dismiss",
        "filter",
        "filter_dismiss",
        "handshake",
        "history",
        "home",
        "laptop",
        "lock_closed",
        "mail",
        "mail_arrow_up",
        "people",
        "people_team",
        "people_team_add",
        "person",
        "person_add",
        "receipt",
        "search",
        "shield_add",
        "shield_lock",
        "shield_person",
        "window_wrench",
    }
)

# The package's size and style the portal uses: 20 px, drawn in outline, as in Microsoft's own command bars.
VARIANT = "20_regular"
PREFIX = "icons"


def icon_html(name: str) -> SafeString:
    """The markup of an icon: an empty element that app.css paints. aria-hidden: the words beside it are the
    command's name; the icon adds nothing a screen reader should say."""
    if name not in ICONS:
        raise ValueError(f"Unknown icon {name!r}: add it to partnercenter.icons.ICONS and its rule to app.css")
    return SafeString(f'<span class="icon icon-{name}" aria-hidden="true"></span>')


def file_name(name: str) -> str:
    return f"{name}_{VARIANT}.svg"


def static_path(name: str) -> str:
    """The icon's path among the static files, e.g. icons/add_20_regular.svg."""
    return f"{PREFIX}/{file_name(name)}"


class FluentIconsFinder(BaseFinder):
    """Finds the icons of ICONS, and only those, in the package's folder (settings.FLUENT_ICONS_DIR)."""

    def __init__(self, *args, **kwargs) -> None:
        self.location = Path(settings.FLUENT_ICONS_DIR)
        self.files = {static_path(name): file_name(name) for name in ICONS}

    def check(self, **kwargs) -> list[CheckMessage]:
        # Only DEBUG serves static files through the finders; without DEBUG, collectstatic has copied the icons
        # already (and fails, naming the icon, where the package is missing: app.css refers to every icon).
        if not settings.DEBUG:
            return []
        missing = sorted(name for name in self.files.values() if not (self.location / name).is_file())
        if not missing:
            return []
        return [
            Warning(
                f"{len(missing)} icons are not installed in {self.location} (e.g. {missing[0]}): pages show no icons.",
                hint="Run `npm ci --ignore-scripts` in the project's folder (make run and make test do it).",
                id="partnercenter.W001",
            )
        ]

    # Nothing found is an empty list, whatever find_all says, as Django's own finders answer (django.contrib.
    # staticfiles.finders.find adds a finder's answer to its list when it is no path); the stubs say None.
    def find(self, path: str, find_all: bool = False) -> str | list[str]:  # type: ignore[override]
        if path not in self.files:
            return []
        if str(self.location) not in searched_locations:
            searched_locations.append(str(self.location))
        found = self.location / self.files[path]
        if not found.is_file():
            return []
        return [str(found)] if find_all else str(found)

    def list(self, ignore_patterns: Iterable[str] | None) -> Iterator[tuple[str, FileSystemStorage]]:
        storage = FileSystemStorage(location=self.location)
        storage.prefix = PREFIX  # type: ignore[attr-defined]  # collectstatic puts the files under it
        for name in sorted(self.files.values()):
            if storage.exists(name) and not utils.matches_patterns(name, list(ignore_patterns or [])):
                yield name, storage
