"""Every YAML file under content/ and schedules/ loads; a broken one is reported precisely."""

import shutil
from pathlib import Path

import pytest

from bot.core.content_loader import ContentError, load_content

ROOT = Path(__file__).resolve().parents[2]


def test_every_file_loads_and_the_track_has_90_distinct_days(content):
    track = content.tracks["staff-90"]
    assert track.length == 90
    assert len({d.title for d in track.days}) == 90
    assert len({(d.study, d.produce) for d in track.days}) == 90
    assert [p.number for p in track.phases] == [1, 2, 3, 4, 5]
    assert {m.id: m.target for m in track.milestones}["mock-interviews"] == 8
    assert {m.id: m.target for m in track.milestones}["star-stories"] == 15
    assert content.tracks["calibration"].length >= 6
    ids = {c.id for c in content.checkpoints}
    assert {"failure-mode", "slo-error-budget", "capacity-estimate", "migration-plan",
            "cost-estimate", "dr-tier"} <= ids
    assert "default" in content.schedules


def test_every_yaml_file_is_read_by_the_loader(monkeypatch):
    """No YAML file under content/ or schedules/ escapes validation."""
    from bot.core.content_loader import FileValidator

    read: set[Path] = set()
    real_load = FileValidator.load

    def recording_load(self, path, model):
        read.add(Path(path).resolve())
        return real_load(self, path, model)

    monkeypatch.setattr(FileValidator, "load", recording_load)
    load_content(ROOT / "content", ROOT / "schedules")
    files = {p.resolve() for p in [*ROOT.glob("content/**/*.yaml"),
                                   *ROOT.glob("schedules/*.yaml")]}
    assert files, "no YAML found"
    assert sorted(str(p.relative_to(ROOT)) for p in files - read) == []


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "schedules", tmp_path / "schedules")
    return tmp_path


def test_all_broken_files_are_reported_at_once_with_file_and_line(copy: Path):
    track = copy / "content/tracks/staff-90.yaml"
    lines = track.read_text().splitlines()
    title_line = next(i for i, line in enumerate(lines) if line.strip().startswith("title:")
                      and i > 20)
    lines[title_line] = lines[title_line].split("title:")[0] + "title: ''"
    track.write_text("\n".join(lines) + "\n")
    (copy / "schedules/weekdays.yaml").write_text(
        "id: weekdays\nname: x\ndescription: y\ntimezone: Mars/Olympus\n"
        "daily:\n  time: '25:00'\n  days: [mon]\n")
    (copy / "content/checkpoints.yaml").write_text("checkpoints:\n  - id: [unclosed\n")
    with pytest.raises(ContentError) as err:
        load_content(copy / "content", copy / "schedules")
    problems = err.value.problems
    by_file = {p.file: p for p in problems}
    assert "content/tracks/staff-90.yaml" in by_file
    assert by_file["content/tracks/staff-90.yaml"].line == title_line + 1
    assert "title" in by_file["content/tracks/staff-90.yaml"].place
    sched = [p for p in problems if p.file == "schedules/weekdays.yaml"]
    assert {p.place for p in sched} == {"timezone", "daily.time"}
    assert any("Mars/Olympus" in p.message for p in sched)
    yaml_err = by_file["content/checkpoints.yaml"]
    assert yaml_err.line is not None and "not valid YAML" in yaml_err.message
    assert "content/checkpoints.yaml" in str(err.value)


def test_unknown_keys_are_errors(copy: Path):
    (copy / "schedules/default.yaml").write_text(
        (copy / "schedules/default.yaml").read_text() + "colour: blue\n")
    with pytest.raises(ContentError, match="colour"):
        load_content(copy / "content", copy / "schedules")
